"""Flags for headless Debian Chromium, shared by PDF printing, the browser tests and the benchmarks.

Quiet and offline: no sandbox (CI runs as root), no GPU, no background traffic to Google services,
so a page only ever talks to the server under test.
"""

HEADLESS_FLAGS: tuple[str, ...] = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
