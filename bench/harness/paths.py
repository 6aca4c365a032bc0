"""Keeps machine-specific paths out of committed reports: the repository root becomes
<repo>, the cache root $SLUICE_CACHE and the home directory ~."""
from __future__ import annotations

import os
from pathlib import Path

_REPO = str(Path(__file__).resolve().parents[2])
_CACHE = os.environ.get("SLUICE_CACHE", str(Path.home() / ".cache" / "sluice"))
_HOME = str(Path.home())


def scrub(text: str) -> str:
    for path, name in ((_REPO, "<repo>"), (_CACHE, "$SLUICE_CACHE"), (_HOME, "~")):
        if path and path != "/":
            text = text.replace(path, name)
    return text
