"""The session list, one session's page with its notes and tags, and the dashboard."""

from __future__ import annotations

from urllib.parse import urlencode

from sanic import Blueprint, response
from sanic.request import Request

from bot.mediation import steps
from bot.review.annotations import AnnotationError
from bot.review.dashboard import build_dashboard
from bot.review.export import export_session
from bot.review.queries import FILTER_FIELDS, MODES, FilterError
from bot.store.repository import SESSION_STATUSES, UnknownSession
from bot.training.questioning import QUALITY_LABELS
from bot.web.charts import skills_chart
from bot.web.review.ui import ReviewUI

LOW_CONFIDENCE = 0.6  # intents read with less are highlighted in a transcript
ANNOTATIONS = ("notes", "tags", "untag", "reviewed")


def blueprint(ui: ReviewUI) -> Blueprint:
    bp = Blueprint("review_sessions")

    @bp.get("/")
    async def session_list(request: Request):
        try:
            page = ui.requested_page(request)
        except FilterError as exc:
            return ui.error(request, 400, f"Bad filter: {exc}")
        query = {k: v for k in FILTER_FIELDS if (v := request.args.get(k))}
        return ui.render(
            request,
            "list.html",
            page=page,
            filters=query,
            modes=MODES,
            statuses=SESSION_STATUSES,
            query=urlencode(query),
        )

    @bp.get("/sessions/<session_id>")
    async def session_page(request: Request, session_id: str):
        try:
            exported = export_session(ui.repository, session_id)
        except UnknownSession:
            return ui.error(request, 404, "No session with that id.")
        debrief = ui.training.debrief(session_id)
        return ui.render(
            request,
            "session.html",
            s=exported,
            notes=ui.annotations.notes(session_id),
            tags=ui.annotations.tags(session_id),
            record=ui.repository.get(session_id),
            low=LOW_CONFIDENCE,
            step_labels={st.id: st.label for st in steps.STEPS},
            debrief=debrief,
            chart=skills_chart([(k.label, k.score) for k in debrief.skills]) if debrief else "",
            quality_labels=QUALITY_LABELS,
        )

    @bp.post("/sessions/<session_id>/<action>")
    async def annotate(request: Request, session_id: str, action: str):
        if action not in ANNOTATIONS:
            return ui.error(request, 404, "No such action.")
        if not ui.csrf_valid(request):
            return ui.error(request, 403, "Invalid form token: reload the page and try again.")
        reviewer = ui.reviewer_of(request)
        if reviewer is None:  # require_reviewer lets no such request through
            return response.redirect("/review/login")
        form, notes = request.form, ui.annotations
        try:
            if action == "notes":
                notes.add_note(session_id, reviewer, form.get("text") or "")
            elif action == "tags":
                notes.add_tag(session_id, form.get("tag") or "")
            elif action == "untag":
                notes.remove_tag(session_id, form.get("tag") or "")
            else:
                notes.mark_reviewed(session_id, reviewer, form.get("reviewed") != "0")
        except UnknownSession:
            return ui.error(request, 404, "No session with that id.")
        except AnnotationError as exc:
            return ui.error(request, 400, str(exc))
        return response.redirect(f"/review/sessions/{session_id}")

    @bp.get("/dashboard")
    async def dashboard(request: Request):
        return ui.render(request, "dashboard.html", d=build_dashboard(ui.url))

    return bp
