"""Input and output: read OKR sets from files, render analyses for people and programs."""

from krcoach.io.errors import InputError
from krcoach.io.formats import InputFormat, detect_format
from krcoach.io.readers import Reading, read_document, read_okr_set
from krcoach.io.writers import OutputFormat, render

__all__ = [
    "InputError",
    "InputFormat",
    "OutputFormat",
    "Reading",
    "detect_format",
    "read_document",
    "read_okr_set",
    "render",
]
