"""What every reviewer blueprint shares: the stores, the signer, and how a page is
rendered, a reviewer recognised, a form's token checked and a listing requested."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sanic import response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.mediation import steps
from bot.review.accounts import Accounts
from bot.review.annotations import Annotations
from bot.review.queries import FILTER_FIELDS, FilterError, Page, SessionFilter, list_sessions
from bot.settings import Settings
from bot.store.repository import SessionRepository
from bot.store.training import TrainingRepository
from bot.web.auth import COOKIE, Signer, secret_for

EXPORT_FORMATS = ("json", "csv", "md")
TEMPLATES = Environment(
    loader=FileSystemLoader(str(Path(__file__).resolve().parents[1] / "templates" / "review")),
    autoescape=select_autoescape(["html"]),
)


class ReviewUI:
    """One per app: the reviewer UI's services, built from the settings."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.url = settings.database_url
        self.signer = Signer(secret_for(settings))
        self.accounts = Accounts(settings.database_url)
        self.repository = SessionRepository(settings.database_url)
        self.annotations = Annotations(settings.database_url)
        self.training = TrainingRepository(settings.database_url)

    def render(self, request: Request, template: str, status: int = 200, **context) -> HTTPResponse:
        """A page: templates autoescape, so user text is always shown as text."""
        html = TEMPLATES.get_template(template).render(
            reviewer=self.reviewer_of(request),
            csrf=self.signer.csrf_token(request.cookies.get(COOKIE)),
            steps=steps.STEPS,
            **context,
        )
        return response.html(html, status=status)

    def error(self, request: Request, status: int, message: str) -> HTTPResponse:
        return self.render(request, "error.html", status, message=message)

    def reviewer_of(self, request: Request) -> str | None:
        """The signed-in reviewer: a validly signed cookie whose session is still open
        in the database (read once per request)."""
        if not hasattr(request.ctx, "reviewer"):
            token = self.signer.session_token(request.cookies.get(COOKIE))
            request.ctx.reviewer = self.accounts.session_reviewer(token)
        return request.ctx.reviewer

    def csrf_valid(self, request: Request) -> bool:
        return self.signer.csrf_ok(request.cookies.get(COOKIE), request.form.get("csrf_token"))

    @staticmethod
    def session_filter(request: Request) -> SessionFilter:
        return SessionFilter.parse({k: request.args.get(k) for k in FILTER_FIELDS})

    def requested_page(self, request: Request) -> Page:
        """The page of sessions the query string asks for (FilterError if it is bad)."""
        return list_sessions(
            self.url,
            self.session_filter(request),
            _whole_number(request, "page", 1),
            _whole_number(request, "per_page", 50),
        )


def _whole_number(request: Request, name: str, default: int) -> int:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    if not raw.isdigit():
        raise FilterError(f"{name} must be a whole number, not {raw!r}")
    return int(raw)


def download(text: str, filename: str, mime: str) -> HTTPResponse:
    return response.text(
        text,
        content_type=f"{mime}; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
