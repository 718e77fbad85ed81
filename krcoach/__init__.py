"""krcoach: coaches people to write Key Results that measure results, not actions."""

__version__ = "0.1.0"
