"""Trainees' progress: every trainee, and one trainee's sessions with a score chart."""

from __future__ import annotations

from urllib.parse import unquote

from sanic import Blueprint
from sanic.request import Request

from bot.knowledge.debrief import SKILL_IDS
from bot.web.charts import progress_chart
from bot.web.review.ui import ReviewUI


def blueprint(ui: ReviewUI) -> Blueprint:
    bp = Blueprint("review_trainees")

    @bp.get("/trainees")
    async def trainees(request: Request):
        return ui.render(request, "trainees.html", trainees=ui.training.trainees())

    @bp.get("/trainees/<name>")
    async def trainee_page(request: Request, name: str):
        name = unquote(name)
        sessions = ui.training.trainee_sessions(name)
        if not sessions:
            return ui.error(request, 404, "No training sessions for that name.")
        scored = [t for t in sessions if t.overall is not None]
        return ui.render(
            request,
            "trainee.html",
            name=name,
            sessions=sessions,
            chart=progress_chart(
                [(f"{t.started_at:%Y-%m-%d} {t.scenario}", t.overall or 0.0) for t in scored]
            ),
            skill_ids=list(SKILL_IDS),
        )

    return bp
