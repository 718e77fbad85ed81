"""The one error every reader raises for input it cannot use."""

from __future__ import annotations


class InputError(Exception):
    """Input krcoach cannot read, told as ``source:line: message`` (the CLI prints it and exits 2)."""

    def __init__(self, source: str, line: int | None, message: str) -> None:
        self.source = source
        self.line = line
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.source if self.line is None else f"{self.source}:{self.line}"
        return f"{where}: {self.message}"
