"""The one error bad input raises: it names the source and, when knowable, the line."""

from __future__ import annotations


class InputError(Exception):
    """Input krcoach cannot read. `str()` is `source:line: message`, ready to show a person."""

    def __init__(self, source: str, message: str, line: int | None = None) -> None:
        self.source = source
        self.message = message
        self.line = line
        where = f"{source}:{line}" if line is not None else source
        super().__init__(f"{where}: {message}")
