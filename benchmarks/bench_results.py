"""Writing a benchmark's figures into benchmarks/RESULTS.md, between its markers."""

from __future__ import annotations

import sys
from pathlib import Path


def write_section(path: Path, begin: str, end: str, section: str) -> None:
    """Replace the text between `begin` and `end` (or append the section)."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmark results\n"
    if begin in text and end in text:
        text = text[: text.index(begin)] + section + text[text.index(end) + len(end) :]
    else:
        text = text.rstrip() + "\n\n" + section + "\n"
    path.write_text(text, encoding="utf-8")


def publish(path: Path, begin: str, end: str, section: str, write: bool) -> None:
    """Print a benchmark's section, and with `--write` put it into RESULTS.md too."""
    print(section)
    if write:
        write_section(path, begin, end, section)
        print(f"\nWritten to {path}", file=sys.stderr)
