"""The Sanic web app: the chat page with its widget, the progress API, training
debriefs and the reviewer UI.

Sanic is already one of Rasa's dependencies. The widget bundle is served from
this app (fetched once by set-up), so the page works offline and on an
internal network.
"""

from __future__ import annotations

import json
from pathlib import Path

from sanic import Sanic, response
from sanic.request import Request

from bot.mediation import steps
from bot.settings import Settings
from bot.store.repository import SessionRepository
from bot.web.debrief import create_debrief_blueprint
from bot.web.review import create_review_blueprint
from bot.web.rooms import create_rooms_blueprint

HERE = Path(__file__).resolve().parent
WEBCHAT_BUNDLE = "rasa-webchat-1.0.1.js"


def content_security_policy(rasa_port: int) -> str:
    """Scripts only from this app; connections only to it and to the Rasa server."""
    rasa = " ".join(f"{scheme}://*:{rasa_port}" for scheme in ("http", "https", "ws", "wss"))
    return (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; font-src 'self' data:; "
        f"connect-src 'self' {rasa}; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    )


def render_index(settings: Settings) -> str:
    config = {
        "rasaPort": settings.rasa_port,
        "steps": [
            {"id": s.id, "label": s.label, "number": steps.step_number(s.id)} for s in steps.STEPS
        ],
    }
    # JSON inside <script>: "</" must not close the element.
    payload = json.dumps(config).replace("</", "<\\/")
    template = (HERE / "templates" / "index.html").read_text(encoding="utf-8")
    return template.replace("__CONFIG__", payload).replace("__WEBCHAT__", WEBCHAT_BUNDLE)


def _carries_nul(request: Request) -> bool:
    """Whether the path, the query, a cookie or a form field holds a NUL character."""
    if "\x00" in request.path or "%00" in request.path or "%00" in request.query_string:
        return True
    values = [*request.cookies.values()]
    if request.content_type.startswith("application/x-www-form-urlencoded"):
        values += [v for vs in request.form.values() for v in vs]
    return any("\x00" in v for v in values if isinstance(v, str))


def create_app(settings: Settings | None = None, name: str = "concordia-web") -> Sanic:
    settings = settings or Settings.from_env()
    app = Sanic(name)
    repository = SessionRepository(settings.database_url)
    page = render_index(settings)
    policy = content_security_policy(settings.rasa_port)
    app.static("/static", str(HERE / "static"))
    app.blueprint(create_review_blueprint(settings))
    app.blueprint(create_debrief_blueprint(settings))
    app.blueprint(create_rooms_blueprint(settings))

    @app.get("/")
    async def index(_request: Request):
        return response.html(page)

    @app.get("/healthz")
    async def health(_request: Request):
        return response.json({"status": "ok"})

    @app.get("/api/progress/<sender_id>")
    async def progress(_request: Request, sender_id: str):
        """The step a conversation is at (nothing else: the content stays private)."""
        if len(sender_id) > 255:
            return response.json({"error": "conversation id too long"}, status=400)
        record = repository.latest_for_sender(sender_id)
        if record is None:
            return response.json({"step": None}, status=404)
        step = record.step
        return response.json(
            {
                "step": step,
                "number": steps.step_number(step),
                "of": len(steps.STEPS),
                "status": record.status,
            }
        )

    @app.on_request
    async def refuse_nul(request: Request):
        """A NUL character is no text, and PostgreSQL refuses it in a query (it raised
        ValueError, a 500): a request carrying one, anywhere, gets a 400 naming it."""
        if _carries_nul(request):
            message = (
                "The request contains a NUL character (U+0000), which is not text; "
                "remove it and try again."
            )
            if "/api/" in request.path:  # /api/, /review/api/ and the rooms' /api/
                return response.json({"error": message}, status=400)
            return response.text(message, status=400)
        return None

    @app.on_response
    async def security_headers(request: Request, resp):
        resp.headers.setdefault("X-Content-Type-Options", "nosniff")
        resp.headers.setdefault("Referrer-Policy", "no-referrer")
        if resp.content_type and resp.content_type.startswith("text/html"):
            resp.headers["Content-Security-Policy"] = policy

    return app
