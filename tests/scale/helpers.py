"""Shared by the scale-out tests."""

from __future__ import annotations

JSON = {"Content-Type": "application/json"}
