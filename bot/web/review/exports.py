"""Exports: the filtered listing, or one session, as JSON, CSV or Markdown."""

from __future__ import annotations

import json

from sanic import Blueprint, response
from sanic.request import Request

from bot.review.export import export_session
from bot.review.exporters import session_to_markdown, sessions_to_csv
from bot.review.queries import FilterError, SessionFilter, iter_sessions
from bot.store.repository import UnknownSession
from bot.web.review.ui import EXPORT_FORMATS, ReviewUI, download

UNKNOWN_FORMAT = "Unknown format {fmt!r}: use json, csv or md."


def blueprint(ui: ReviewUI) -> Blueprint:
    bp = Blueprint("review_exports")

    @bp.get("/export/<fmt>")
    async def export_list(request: Request, fmt: str):
        if fmt not in EXPORT_FORMATS:
            return response.text(UNKNOWN_FORMAT.format(fmt=fmt), status=404)
        try:
            flt = ui.session_filter(request)
        except FilterError as exc:
            return response.text(f"Bad filter: {exc}", status=400)
        rows = list(iter_sessions(ui.url, flt))
        if fmt == "csv":
            return download(sessions_to_csv(rows), "sessions.csv", "text/csv")
        exported = [export_session(ui.repository, r.id) for r in rows]
        if fmt == "json":
            text = json.dumps(exported, indent=2, ensure_ascii=False)
            return download(text, "sessions.json", "application/json")
        notes = request.args.get("notes") == "1"
        text = "\n\n---\n\n".join(
            session_to_markdown(e, ui.annotations.notes(e["id"]) if notes else None)
            for e in exported
        )
        return download(text, "sessions.md", "text/markdown")

    @bp.get("/sessions/<session_id>/export/<fmt>")
    async def export_one(request: Request, session_id: str, fmt: str):
        if fmt not in EXPORT_FORMATS:
            return response.text(UNKNOWN_FORMAT.format(fmt=fmt), status=404)
        try:
            exported = export_session(ui.repository, session_id)
        except UnknownSession:
            return response.text("No session with that id.", status=404)
        if fmt == "json":
            text = json.dumps(exported, indent=2, ensure_ascii=False)
            return download(text, f"{session_id}.json", "application/json")
        if fmt == "csv":
            rows = list(iter_sessions(ui.url, SessionFilter(session_id=session_id)))
            return download(sessions_to_csv(rows), f"{session_id}.csv", "text/csv")
        notes = ui.annotations.notes(session_id) if request.args.get("notes") == "1" else None
        return download(session_to_markdown(exported, notes), f"{session_id}.md", "text/markdown")

    return bp
