"""Exports for reviewers: CSV (one row per session) and a readable Markdown transcript."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from bot.review.queries import SessionRow

KIND_NAMES = {"shared_need": "Shared need", "compatible": "Compatible", "contested": "Contested"}

CSV_COLUMNS = (
    "id",
    "sender_id",
    "mode",
    "status",
    "scenario",
    "topic",
    "furthest_step",
    "started_at",
    "ended_at",
    "reviewed_at",
    "parties",
    "tags",
    "interests",
    "positions",
    "accepted_measures",
    "trainee",
    "score",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value) -> str:
    """Text for a spreadsheet cell; user text that could be read as a formula is quoted."""
    if value is None:
        return ""
    if isinstance(value, list):
        value = "; ".join(value)
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def sessions_to_csv(rows: Iterable[SessionRow]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        writer.writerow([_cell(getattr(row, column)) for column in CSV_COLUMNS])
    return out.getvalue()


def _fence(text: str) -> str:
    """Quote user text as a Markdown block quote, so markup in it stays literal text."""
    escaped = text.replace("\\", "\\\\").replace("<", "&lt;").replace(">", "&gt;")
    return "\n".join("> " + line for line in (escaped.splitlines() or [""]))


def session_to_markdown(exported: dict, notes: Sequence[dict] | None = None) -> str:
    """A printable transcript with timestamps; `notes` are included when given."""
    lines = [
        f"# Session {exported['id']}",
        "",
        f"- Mode: {exported['mode']}; status: {exported['status']}; "
        f"furthest step: {exported.get('furthest_step')}",
        f"- Started: {exported['started_at']}; ended: {exported['ended_at'] or '(open)'}",
        f"- Topic: {exported['topic'] or '(none)'}",
        f"- Parties: {', '.join(p['name'] for p in exported['parties']) or '(none)'}",
        "",
    ]
    for party in exported["parties"]:
        lines.append(f"## {party['name']}")
        lines += [f"- Interest: {text}" for text in party["interests"]]
        lines += [f"- Position: {text}" for text in party["positions"]]
        lines.append("")
    if exported["common_ground"]:
        lines.append("## Common ground")
        lines += [
            f"- {KIND_NAMES.get(c.get('kind'), 'Shared need')}: {c['text']} ({c['status']})"
            for c in exported["common_ground"]
        ]
        lines.append("")
    if exported["measures"]:
        lines.append("## Measures")
        lines += [f"- {m['title']}: {m['status']}" for m in exported["measures"]]
        lines.append("")
    lines.append("## Transcript")
    lines.append("")
    for line in exported["transcript"]:
        who = "User" if line["speaker"] == "user" else "Assistant"
        intent = ""
        if line["speaker"] == "user" and line.get("intent"):
            intent = (
                f" — {line['intent']} ({line['confidence']:.2f})"
                if line.get("confidence") is not None
                else f" — {line['intent']}"
            )
        lines.append(f"**{who}**, {line['timestamp']}{intent}")
        lines.append("")
        lines.append(_fence(line["text"]))
        lines.append("")
    if notes:
        lines.append("## Reviewer notes")
        lines += [f"- {n['author']}, {n['created_at']}: {n['text']}" for n in notes]
        lines.append("")
    return "\n".join(lines)
