"""Debian's Chromium as tests and the picture scripts launch it (through Playwright; no browser is downloaded)."""

from __future__ import annotations

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",  # the closed network here refuses Chromium's own connections
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
    "--disable-dev-shm-usage",
]
"""Headless, as root, with nothing that reaches the network on its own."""
