"""The reviewer UI under /review: sign-in, session list, session page, exports, dashboard.

Every route but the sign-in page needs a signed-in reviewer: HTML routes redirect
to the sign-in page, the JSON API answers 401. Every form carries a CSRF token.
Templates autoescape, so transcripts (untrusted input) are always shown as text.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from urllib.parse import unquote, urlencode

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.knowledge.debrief import SKILL_IDS
from bot.mediation import steps
from bot.review.accounts import Accounts
from bot.review.annotations import AnnotationError, Annotations
from bot.review.dashboard import build_dashboard
from bot.review.export import export_session
from bot.review.exporters import session_to_markdown, sessions_to_csv
from bot.review.queries import (
    FILTER_FIELDS,
    MODES,
    FilterError,
    SessionFilter,
    iter_sessions,
    list_sessions,
)
from bot.settings import Settings
from bot.store.repository import SESSION_STATUSES, SessionRepository, UnknownSession
from bot.store.training import TrainingRepository
from bot.training.questioning import QUALITY_LABELS
from bot.web.auth import COOKIE, LOGIN_COOKIE, SESSION_SECONDS, Signer, secret_for
from bot.web.charts import progress_chart, skills_chart

LOW_CONFIDENCE = 0.6

EXPORT_FORMATS = ("json", "csv", "md")
TEMPLATES = Environment(
    loader=FileSystemLoader(str(Path(__file__).resolve().parent / "templates" / "review")),
    autoescape=select_autoescape(["html"]),
)


def create_review_blueprint(settings: Settings) -> Blueprint:
    bp = Blueprint("review", url_prefix="/review")
    signer = Signer(secret_for(settings))
    accounts = Accounts(settings.database_url)
    repository = SessionRepository(settings.database_url)
    annotations = Annotations(settings.database_url)
    training = TrainingRepository(settings.database_url)
    url = settings.database_url

    def render(request: Request, template: str, status: int = 200, **context) -> HTTPResponse:
        cookie = request.cookies.get(COOKIE)
        html = TEMPLATES.get_template(template).render(
            reviewer=reviewer_of(request),
            csrf=signer.csrf_token(cookie),
            steps=steps.STEPS,
            **context,
        )
        return response.html(html, status=status)

    def reviewer_of(request: Request) -> str | None:
        """The signed-in reviewer: a validly signed cookie whose session is still open
        in the database (read once per request)."""
        if not hasattr(request.ctx, "reviewer"):
            token = signer.session_token(request.cookies.get(COOKIE))
            request.ctx.reviewer = accounts.session_reviewer(token)
        return request.ctx.reviewer

    def csrf_valid(request: Request) -> bool:
        return signer.csrf_ok(request.cookies.get(COOKIE), request.form.get("csrf_token"))

    @bp.middleware("request")
    async def require_reviewer(request: Request):
        if request.path in ("/review/login",):
            return None
        if reviewer_of(request) is None:
            if request.path.startswith("/review/api/"):
                return response.json({"error": "sign in as a reviewer first"}, status=401)
            return response.redirect("/review/login?" + urlencode({"next": request.path}))
        return None

    # -- sign-in ----------------------------------------------------------------------------
    @bp.get("/login")
    async def login_form(request: Request):
        token = request.cookies.get(LOGIN_COOKIE)
        if not signer.is_login_token(token):  # anything else is set anew, never echoed
            token = signer.login_token()
        page = render(request, "login.html", login_csrf=signer.csrf_token(token))
        page.cookies[LOGIN_COOKIE] = token
        page.cookies[LOGIN_COOKIE]["httponly"] = True
        page.cookies[LOGIN_COOKIE]["samesite"] = "Strict"
        page.cookies[LOGIN_COOKIE]["path"] = "/review"
        if settings.secure_cookies:
            page.cookies[LOGIN_COOKIE]["secure"] = True
        return page

    @bp.post("/login")
    async def login(request: Request):
        token = request.cookies.get(LOGIN_COOKIE)
        if not signer.csrf_ok(token, request.form.get("csrf_token")):
            return render(
                request,
                "error.html",
                403,
                message="The sign-in form expired. Reload the page and try again.",
            )
        address = request.ip or "unknown"
        if not accounts.claim_attempt(address):
            return render(
                request,
                "login.html",
                429,
                login_csrf=signer.csrf_token(token),
                error="Too many failed sign-ins from here. Wait 15 minutes.",
            )
        name = (request.form.get("name") or "").strip()
        password = request.form.get("password") or ""
        # argon2 takes tens of milliseconds of CPU: in a thread, so that the event loop
        # keeps serving everyone else meanwhile (benchmarks/event_loop.py).
        session = await asyncio.to_thread(accounts.sign_in, name, password)
        accounts.record_attempt(name, address, session is not None)
        if session is None:
            return render(
                request,
                "login.html",
                401,
                login_csrf=signer.csrf_token(token),
                error="Unknown name or wrong password.",
            )
        target = request.args.get("next") or "/review"
        if not target.startswith("/review"):
            target = "/review"
        page = response.redirect(target)
        page.cookies[COOKIE] = signer.session_cookie(session)
        page.cookies[COOKIE]["httponly"] = True
        page.cookies[COOKIE]["samesite"] = "Strict"
        page.cookies[COOKIE]["path"] = "/"
        page.cookies[COOKIE]["max-age"] = SESSION_SECONDS
        if settings.secure_cookies:
            page.cookies[COOKIE]["secure"] = True
        return page

    @bp.post("/logout")
    async def logout(request: Request):
        if not csrf_valid(request):
            return render(request, "error.html", 403, message="Invalid form token.")
        accounts.end_session(signer.session_token(request.cookies.get(COOKIE)))
        page = response.redirect("/review/login")
        del page.cookies[COOKIE]
        return page

    # -- listing and exports ----------------------------------------------------------------
    def parse_filter(request: Request) -> SessionFilter:
        return SessionFilter.parse({k: request.args.get(k) for k in FILTER_FIELDS})

    def parse_int(request: Request, name: str, default: int) -> int:
        raw = request.args.get(name)
        if raw is None or raw == "":
            return default
        if not raw.isdigit():
            raise FilterError(f"{name} must be a whole number, not {raw!r}")
        return int(raw)

    def requested_page(request: Request):
        return list_sessions(
            url,
            parse_filter(request),
            parse_int(request, "page", 1),
            parse_int(request, "per_page", 50),
        )

    @bp.get("/")
    async def session_list(request: Request):
        try:
            page = requested_page(request)
        except FilterError as exc:
            return render(request, "error.html", 400, message=f"Bad filter: {exc}")
        query = {k: v for k in FILTER_FIELDS if (v := request.args.get(k))}
        return render(
            request,
            "list.html",
            page=page,
            filters=query,
            modes=MODES,
            statuses=SESSION_STATUSES,
            query=urlencode(query),
        )

    @bp.get("/export/<fmt>")
    async def export_list(request: Request, fmt: str):
        if fmt not in EXPORT_FORMATS:
            return response.text(f"Unknown format {fmt!r}: use json, csv or md.", status=404)
        try:
            flt = parse_filter(request)
        except FilterError as exc:
            return response.text(f"Bad filter: {exc}", status=400)
        rows = list(iter_sessions(url, flt))
        if fmt == "csv":
            return _download(sessions_to_csv(rows), "sessions.csv", "text/csv")
        exported = [export_session(repository, r.id) for r in rows]
        if fmt == "json":
            return _download(
                json.dumps(exported, indent=2, ensure_ascii=False),
                "sessions.json",
                "application/json",
            )
        notes = request.args.get("notes") == "1"
        text = "\n\n---\n\n".join(
            session_to_markdown(e, annotations.notes(e["id"]) if notes else None) for e in exported
        )
        return _download(text, "sessions.md", "text/markdown")

    # -- one session ------------------------------------------------------------------------
    @bp.get("/sessions/<session_id>")
    async def session_page(request: Request, session_id: str):
        try:
            exported = export_session(repository, session_id)
        except UnknownSession:
            return render(request, "error.html", 404, message="No session with that id.")
        return render(
            request,
            "session.html",
            s=exported,
            notes=annotations.notes(session_id),
            tags=annotations.tags(session_id),
            record=repository.get(session_id),
            low=LOW_CONFIDENCE,
            step_labels={st.id: st.label for st in steps.STEPS},
            debrief=(debrief := training.debrief(session_id)),
            chart=skills_chart([(k.label, k.score) for k in debrief.skills]) if debrief else "",
            quality_labels=QUALITY_LABELS,
        )

    # -- trainees' progress ------------------------------------------------------------------
    @bp.get("/trainees")
    async def trainees(request: Request):
        return render(request, "trainees.html", trainees=training.trainees())

    @bp.get("/trainees/<name>")
    async def trainee_page(request: Request, name: str):
        name = unquote(name)
        sessions = training.trainee_sessions(name)
        if not sessions:
            return render(request, "error.html", 404, message="No training sessions for that name.")
        scored = [t for t in sessions if t.overall is not None]
        return render(
            request,
            "trainee.html",
            name=name,
            sessions=sessions,
            chart=progress_chart(
                [(f"{t.started_at:%Y-%m-%d} {t.scenario}", t.overall or 0.0) for t in scored]
            ),
            skill_ids=list(SKILL_IDS),
        )

    @bp.get("/sessions/<session_id>/export/<fmt>")
    async def export_one(request: Request, session_id: str, fmt: str):
        if fmt not in EXPORT_FORMATS:
            return response.text(f"Unknown format {fmt!r}: use json, csv or md.", status=404)
        try:
            exported = export_session(repository, session_id)
        except UnknownSession:
            return response.text("No session with that id.", status=404)
        if fmt == "json":
            return _download(
                json.dumps(exported, indent=2, ensure_ascii=False),
                f"{session_id}.json",
                "application/json",
            )
        if fmt == "csv":
            rows = list(iter_sessions(url, SessionFilter(session_id=session_id)))
            return _download(sessions_to_csv(rows), f"{session_id}.csv", "text/csv")
        notes = annotations.notes(session_id) if request.args.get("notes") == "1" else None
        return _download(session_to_markdown(exported, notes), f"{session_id}.md", "text/markdown")

    @bp.post("/sessions/<session_id>/<action>")
    async def annotate(request: Request, session_id: str, action: str):
        if action not in ("notes", "tags", "untag", "reviewed"):
            return render(request, "error.html", 404, message="No such action.")
        if not csrf_valid(request):
            return render(
                request,
                "error.html",
                403,
                message="Invalid form token: reload the page and try again.",
            )
        reviewer = reviewer_of(request)
        if reviewer is None:  # require_reviewer lets no such request through
            return response.redirect("/review/login")
        try:
            if action == "notes":
                annotations.add_note(session_id, reviewer, request.form.get("text") or "")
            elif action == "tags":
                annotations.add_tag(session_id, request.form.get("tag") or "")
            elif action == "untag":
                annotations.remove_tag(session_id, request.form.get("tag") or "")
            else:
                annotations.mark_reviewed(session_id, reviewer, request.form.get("reviewed") != "0")
        except UnknownSession:
            return render(request, "error.html", 404, message="No session with that id.")
        except AnnotationError as exc:
            return render(request, "error.html", 400, message=str(exc))
        return response.redirect(f"/review/sessions/{session_id}")

    # -- dashboard and API ------------------------------------------------------------------
    @bp.get("/dashboard")
    async def dashboard(request: Request):
        return render(request, "dashboard.html", d=build_dashboard(url))

    @bp.get("/api/sessions")
    async def api_sessions(request: Request):
        try:
            page = requested_page(request)
        except FilterError as exc:
            return response.json({"error": str(exc)}, status=400)
        return response.json(
            {
                "total": page.total,
                "page": page.page,
                "pages": page.pages,
                "sessions": [
                    {
                        "id": r.id,
                        "mode": r.mode,
                        "status": r.status,
                        "furthest_step": r.furthest_step,
                        "tags": r.tags,
                        "started_at": r.started_at.isoformat() + "Z",
                    }
                    for r in page.rows
                ],
            }
        )

    return bp


def _download(text: str, filename: str, mime: str):
    return response.text(
        text,
        content_type=f"{mime}; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
