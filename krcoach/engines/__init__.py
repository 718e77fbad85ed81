"""Rewrite engines: the seam between the coach and whatever writes the proposals."""
