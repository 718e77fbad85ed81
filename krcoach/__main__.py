"""`python -m krcoach` runs the CLI."""

from krcoach.cli import main

main()
