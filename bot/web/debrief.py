"""The training debrief page: /debrief/<token>, reached by the link given in the chat.

The token (256 random bits) is the only key: no sign-in, so a trainee can open it
from the chat, and nobody can find another trainee's debrief without its link.
"""

from __future__ import annotations

import re
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sanic import Blueprint, response
from sanic.request import Request

from bot.knowledge import cached_knowledge
from bot.settings import Settings
from bot.store.training import TrainingRepository
from bot.training.questioning import QUALITY_LABELS
from bot.web.charts import skills_chart

TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
TEMPLATES = Environment(
    loader=FileSystemLoader(str(Path(__file__).resolve().parent / "templates" / "training")),
    autoescape=select_autoescape(["html"]),
)
PRIVATE = {"Cache-Control": "no-store", "X-Robots-Tag": "noindex"}


def create_debrief_blueprint(settings: Settings) -> Blueprint:
    bp = Blueprint("debrief", url_prefix="/debrief")
    training = TrainingRepository(settings.database_url)

    @bp.get("/<token>")
    async def debrief_page(_request: Request, token: str):
        stored = training.debrief_by_token(token) if TOKEN.match(token) else None
        if stored is None:
            return response.html(
                "<!doctype html><title>Not found</title><p>No debrief at this address. "
                "Check that the link was copied whole.</p>",
                status=404,
                headers=PRIVATE,
            )
        knowledge = cached_knowledge(str(settings.knowledge_dir))
        scenario = knowledge.scenarios.get(stored.scenario or "")
        html = TEMPLATES.get_template("debrief.html").render(
            d=stored,
            title=scenario.title if scenario else (stored.scenario or "a training case"),
            chart=skills_chart([(s.label, s.score) for s in stored.skills]),
            scenario=scenario,
            measures=[knowledge.measures[m].title for m in (scenario.measures if scenario else ())],
            questions=training.moves(stored.session_id),
            labels=QUALITY_LABELS,
        )
        return response.html(html, headers=PRIVATE)

    return bp
