"""The JSON API: the filtered session listing, for scripts and dashboards."""

from __future__ import annotations

from sanic import Blueprint, response
from sanic.request import Request

from bot.review.queries import FilterError
from bot.web.review.ui import ReviewUI


def blueprint(ui: ReviewUI) -> Blueprint:
    bp = Blueprint("review_api")

    @bp.get("/api/sessions")
    async def api_sessions(request: Request):
        try:
            page = ui.requested_page(request)
        except FilterError as exc:
            return response.json({"error": str(exc)}, status=400)
        sessions = [
            {
                "id": r.id,
                "mode": r.mode,
                "status": r.status,
                "furthest_step": r.furthest_step,
                "tags": r.tags,
                "started_at": r.started_at.isoformat() + "Z",
            }
            for r in page.rows
        ]
        return response.json(
            {"total": page.total, "page": page.page, "pages": page.pages, "sessions": sessions}
        )

    return bp
