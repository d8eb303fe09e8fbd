"""The reviewer UI under /review, as small blueprints: sign-in, sessions (list, page,
notes and tags, dashboard), trainees, rooms, exports and the JSON API.

Every route but the sign-in page needs a signed-in reviewer: HTML routes redirect to
the sign-in page, the JSON API answers 401. Every form carries a CSRF token.
Templates autoescape, so transcripts (untrusted input) are always shown as text.
"""

from __future__ import annotations

from urllib.parse import urlencode

from sanic import Blueprint, response
from sanic.blueprint_group import BlueprintGroup
from sanic.request import Request

from bot.settings import Settings
from bot.web.review import api, exports, rooms, sessions, signin, trainees
from bot.web.review.ui import ReviewUI

PUBLIC_PATHS = ("/review/login",)


def create_review_blueprint(settings: Settings) -> BlueprintGroup:
    ui = ReviewUI(settings)
    group = Blueprint.group(
        *(module.blueprint(ui) for module in (signin, sessions, trainees, rooms, exports, api)),
        url_prefix="/review",
    )

    @group.middleware("request")
    async def require_reviewer(request: Request):
        if request.path in PUBLIC_PATHS:
            return None
        if ui.reviewer_of(request) is None:
            if request.path.startswith("/review/api/"):
                return response.json({"error": "sign in as a reviewer first"}, status=401)
            return response.redirect("/review/login?" + urlencode({"next": request.path}))
        return None

    return group
