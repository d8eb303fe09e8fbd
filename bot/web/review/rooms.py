"""Rooms, for reviewers: every room, and one room whole (docs/architecture.md §8):
each party's caucus conversation, the ledger with every state change and its time,
every version of every clause with its votes, and the confirmations. Reviewers see
what the participants could not: that is what review is for."""

from __future__ import annotations

from sanic import Blueprint
from sanic.request import Request

from bot.rooms.access import Role
from bot.rooms.view import final_text
from bot.store.rooms import RoomError, RoomRepository, UnknownRoom
from bot.store.transcript import read_transcript
from bot.web.review.ui import ReviewUI


def blueprint(ui: ReviewUI) -> Blueprint:
    bp = Blueprint("review_rooms")
    rooms = RoomRepository.from_settings(ui.settings)

    @bp.get("/rooms")
    async def room_list(request: Request):
        return ui.render(request, "rooms.html", rooms=rooms.list_rooms())

    @bp.post("/rooms")
    async def create_room(request: Request):
        """A signed-in reviewer opens a room as its facilitator: the links are shown
        once, on the page that answers (only their digests are stored)."""
        if not ui.csrf_valid(request):
            return ui.error(request, 403, "Invalid form token: reload the page and try again.")
        topic = request.form.get("topic") or ""
        names = [n for n in (request.form.get("parties") or "").splitlines() if n.strip()]
        try:
            made = rooms.create_room(topic, names)
        except RoomError as exc:
            return ui.render(
                request, "rooms.html", 400, rooms=rooms.list_rooms(), error=str(exc),
                topic=topic, parties="\n".join(names),
            )  # fmt: skip
        base = ui.settings.web_url
        return ui.render(
            request,
            "room_links.html",
            room=made,
            facilitator_url=f"{base}/rooms/{made.facilitator.token}",
            party_urls=[(p.name, f"{base}/rooms/{p.token}") for p in made.parties],
        )

    @bp.get("/rooms/<room_id:str>")
    async def room_page(request: Request, room_id: str):
        try:
            record = rooms.snapshot(room_id)
        except UnknownRoom:
            return ui.error(request, 404, "No room with that id.")
        people = rooms.participants(room_id)
        caucuses = {
            p.name: read_transcript(ui.url, p.conversation_id)
            for p in people
            if p.role is Role.PARTY and p.conversation_id
        }
        text = final_text(record.text)
        return ui.render(
            request,
            "room.html",
            room=record,
            people=people,
            caucuses=caucuses,
            history=rooms.ledger_history(room_id),
            versions=rooms.versions(room_id),
            standings={c.number: c for c in record.text},
            final_text=text,
            confirmations=rooms.confirmations(room_id, text) if text else {},
        )

    return bp
