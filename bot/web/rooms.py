"""Mediation rooms in the web app: /rooms/<token>, its JSON API and its live updates.

The link's token is the only key, as for a debrief: no sign-in, nothing ambient (no
cookie), so another site cannot act with it, and the path never leaves the page
(`Referrer-Policy: no-referrer`). Each request resolves the token afresh, so a revoked
link, an expired one or a closed room stops working at once, live views included.
What a participant receives is built by `bot.rooms.view.room_view`, the one place
that filters the record by role (docs/architecture.md §8).

Live updates are server-sent events: each open view polls the room's revision (one
indexed read) every half second and sends the new view when it moved. The revision
is in the database, bumped in the transaction of each change, so a change made by
any process (another web app, the action server recording a caucus item) reaches
every view within a second, in a cluster too.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import logging
from collections.abc import Callable, Coroutine
from datetime import datetime
from functools import wraps
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import aiohttp
from jinja2 import Environment, FileSystemLoader, select_autoescape
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.ops.room_signals import Signals, publisher
from bot.rooms.access import Role, Viewer
from bot.rooms.consensus import ClauseStatus, VoteError, parse_vote
from bot.rooms.ledger import LedgerError, parse_kind, parse_share
from bot.rooms.view import final_text, room_view
from bot.settings import Settings
from bot.store.rooms import (
    Access,
    LinkRefused,
    RoomError,
    RoomRepository,
    StaleVersion,
    UnknownRoom,
    text_digest,
)
from bot.store.transcript import latest_event_id, read_transcript
from bot.web.joint_client import JointAnalysisClient

logger = logging.getLogger(__name__)
TEMPLATES = Environment(
    loader=FileSystemLoader(str(Path(__file__).resolve().parent / "templates" / "rooms")),
    autoescape=select_autoescape(["html"]),
)
PRIVATE = {"Cache-Control": "no-store", "X-Robots-Tag": "noindex"}
POLL_SECONDS = 0.5  # without Redis: how often an open view reads the room's revision
SIGNALLED_POLL_SECONDS = 2.0  # with Redis, woken at once; the poll only as a fallback
HEARTBEAT_SECONDS = 15.0
RECHECK_SECONDS = 10.0  # an open view checks its link this often, changes or not
MAX_BODY_BYTES = 64 * 1024
ASSISTANT_TIMEOUT_SECONDS = 60
UNREACHABLE = (
    "The assistant is not reachable right now, so your message was not sent; it is still "
    "in the box. Try again in a moment."
)

REFUSED_PAGES = {
    "unknown": (404, "No room at this address", "Check that you copied the whole link."),
    "expired": (410, "This link has expired", "Ask the facilitator for a new link."),
    "revoked": (410, "This link was revoked", "Ask the facilitator for a new link."),
    "closed": (410, "This room is closed", "The facilitator closed it; nothing more happens here."),
}

Handler = Callable[..., Coroutine[Any, Any, HTTPResponse]]


class BadRequest(Exception):
    """A request body the API cannot use; the message says what to send instead."""


def _body(request: Request) -> dict[str, Any]:
    if len(request.body or b"") > MAX_BODY_BYTES:
        raise BadRequest(f"the request body is over {MAX_BODY_BYTES // 1024} kB; send less")
    try:
        body = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError):
        raise BadRequest('send a JSON object, e.g. {"text": "..."}') from None
    except RecursionError:
        raise BadRequest("the JSON is nested too deeply; send a flat object") from None
    if not isinstance(body, dict):
        raise BadRequest('send a JSON object, e.g. {"text": "..."}')
    return body


def _text(body: dict[str, Any], key: str) -> str:
    value = body.get(key)
    if not isinstance(value, str):
        raise BadRequest(f'"{key}" must be text')
    return value


MAX_ID = 2**31 - 1  # what every database here stores in an integer column


def whole(value: object) -> bool:
    """A whole number an id or a version can be (1 to MAX_ID)."""
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_ID


def _whole(body: dict[str, Any], key: str) -> int:
    value = body.get(key)
    if not whole(value):
        raise BadRequest(f'"{key}" must be a whole number from 1 to {MAX_ID}')
    assert isinstance(value, int)
    return value


def _clause_number(number: int) -> int:
    if not whole(number):
        raise UnknownRoom(f"the text has no clause {number}")
    return number


def refused_page(refusal: LinkRefused) -> HTTPResponse:
    status, title, advice = REFUSED_PAGES.get(refusal.reason, REFUSED_PAGES["unknown"])
    html = TEMPLATES.get_template("refused.html").render(title=title, advice=advice)
    return response.html(html, status=status, headers=PRIVATE)


def refused_json(refusal: LinkRefused) -> HTTPResponse:
    status = REFUSED_PAGES.get(refusal.reason, REFUSED_PAGES["unknown"])[0]
    return response.json(
        {"error": str(refusal), "reason": refusal.reason}, status=status, headers=PRIVATE
    )


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds") + "Z"


def create_rooms_blueprint(settings: Settings) -> Blueprint:
    bp = Blueprint("rooms", url_prefix="/rooms")
    publish = publisher(settings.redis_url)
    rooms = RoomRepository.from_settings(settings, on_change=publish)
    signals = Signals(settings.redis_url) if settings.redis_url else None
    joint = JointAnalysisClient(settings.room_analysis_url)

    def url_of(token: str) -> str:
        return f"{settings.web_url}/rooms/{token}"

    async def view_of(access: Access) -> dict[str, Any]:
        viewer = Viewer(access.role, access.name if access.role is Role.PARTY else None)
        record = rooms.snapshot(access.room_id)
        analysis = await joint.view(record.items, record.parties)
        # The caucus conversation's id never reaches the browser: the chat goes through
        # /api/say, so nobody can write into a caucus through Rasa's channels with it.
        return room_view(record, viewer, access.name, analysis)

    def api(*roles: Role) -> Callable[[Handler], Handler]:
        """A JSON route for these roles: the link resolved, bad input and refusals
        answered with a status and a message naming what is wrong."""

        def decorate(handler: Handler) -> Handler:
            @wraps(handler)
            async def route(request: Request, token: str, *args: Any, **kwargs: Any):
                try:
                    access = rooms.resolve(token)
                except LinkRefused as refusal:
                    return refused_json(refusal)
                if access.role not in roles:
                    who = " or ".join(r.value for r in roles)
                    return response.json(
                        {"error": f"only the {who} can do this"}, status=403, headers=PRIVATE
                    )
                try:
                    return await handler(request, access, *args, **kwargs)
                except StaleVersion as stale:
                    return response.json(
                        {
                            "error": str(stale),
                            "clause": stale.number,
                            "version": stale.version,
                            "text": stale.text,
                        },
                        status=409,
                        headers=PRIVATE,
                    )
                except UnknownRoom as exc:
                    return response.json({"error": str(exc)}, status=404, headers=PRIVATE)
                except (BadRequest, RoomError, LedgerError, VoteError) as exc:
                    return response.json({"error": str(exc)}, status=400, headers=PRIVATE)

            return route

        return decorate

    async def changed(access: Access) -> HTTPResponse:
        return response.json(await view_of(access), headers=PRIVATE)

    def caucus_lines(access: Access) -> list[dict[str, str]]:
        lines = read_transcript(settings.database_url, access.conversation_id or "")
        return [{"speaker": line.speaker, "text": line.text} for line in lines]

    @bp.listener("before_server_start")
    async def open_client(app, _loop):
        app.ctx.assistant = aiohttp.ClientSession(
            timeout=aiohttp.ClientTimeout(total=ASSISTANT_TIMEOUT_SECONDS)
        )
        if signals is not None:
            signals.start()

    @bp.listener("after_server_stop")
    async def close_client(app, _loop):
        await app.ctx.assistant.close()
        await joint.close()
        if signals is not None:
            await signals.stop()

    @bp.get("/<token:str>")
    async def room_page(_request: Request, token: str):
        try:
            access = rooms.resolve(token)
        except LinkRefused as refusal:
            return refused_page(refusal)
        html = TEMPLATES.get_template("room.html").render(
            topic=access.topic,
            name=access.name,
            role=access.role.value,
        )
        return response.html(html, headers=PRIVATE)

    @bp.get("/<token:str>/api/view")
    @api(Role.PARTY, Role.FACILITATOR)
    async def view(_request: Request, access: Access):
        return await changed(access)

    @bp.post("/<token:str>/api/items")
    @api(Role.PARTY)
    async def add_item(request: Request, access: Access):
        """The party writes an item into its own caucus (private until it shares it)."""
        body = _body(request)
        rooms.record_item(
            access.participant_id, parse_kind(_text(body, "kind")), _text(body, "text")
        )
        return await changed(access)

    @bp.post("/<token:str>/api/items/state")
    @api(Role.PARTY)
    async def set_state(request: Request, access: Access):
        """{"items": [ids] or "all", "state": "private" | "shareable" | "released"}"""
        body = _body(request)
        wanted = parse_share(_text(body, "state"))
        chosen = body.get("items")
        if chosen == "all":
            rooms.set_state(access.participant_id, None, wanted)
        elif isinstance(chosen, list) and chosen and all(whole(i) for i in chosen):
            rooms.set_state(access.participant_id, chosen, wanted)
        else:
            raise BadRequest('"items" must be a list of item ids (whole numbers), or "all"')
        return await changed(access)

    @bp.get("/<token:str>/api/caucus")
    @api(Role.PARTY)
    async def caucus(_request: Request, access: Access):
        """The party's caucus conversation so far (a second tab, a return visit)."""
        return response.json({"messages": caucus_lines(access)}, headers=PRIVATE)

    @bp.post("/<token:str>/api/say")
    @api(Role.PARTY)
    async def say(request: Request, access: Access):
        """{"text": "...", "message_id": "..."}: a message to the assistant in the
        party's caucus, sent to the Rasa server as the caucus conversation (the text is
        kept as typed there). The page sends the same `message_id` again when it retries,
        so a message the assistant took before failing to answer is recorded once."""
        body = _body(request)
        text = _text(body, "text")
        if not text.strip():
            raise BadRequest("the message is empty: type something first")
        if len(text) > settings.max_message_chars:
            raise BadRequest(
                f"the message is {len(text)} characters long; the limit is "
                f"{settings.max_message_chars}: split it in two"
            )
        message: dict[str, Any] = {"sender": access.conversation_id, "message": text}
        client_id = body.get("message_id")
        if client_id is not None:
            if not isinstance(client_id, str) or not 0 < len(client_id) <= 64:
                raise BadRequest('"message_id" must be text of 1 to 64 characters, or left out')
            message["message_id"] = client_id
        try:
            async with request.app.ctx.assistant.post(
                f"{settings.rasa_url}/webhooks/rest/webhook", json=message
            ) as reply:
                status = reply.status
                answer = await reply.json(content_type=None)
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError):
            return response.json({"error": UNREACHABLE}, status=503, headers=PRIVATE)
        if status != 200 or not isinstance(answer, list):
            # The REST channel names what it refused (400, 413) or that the message may
            # not have been handled (503): the party reads that, not a guess.
            error = answer.get("error") if isinstance(answer, dict) else None
            return response.json(
                {"error": error if isinstance(error, str) else UNREACHABLE},
                status=status if 400 <= status < 500 else 503,
                headers=PRIVATE,
            )
        messages = [
            {
                "text": m.get("text") or "",
                "buttons": [
                    {"title": str(b.get("title", "")), "payload": str(b.get("payload", ""))}
                    for b in (m.get("buttons") or [])
                    if isinstance(b, dict)
                ],
            }
            for m in answer
            if isinstance(m, dict)
        ]
        if publish is not None:
            publish(access.room_id)  # the party's other tabs follow its caucus at once
        return response.json({"replies": messages}, headers=PRIVATE)

    @bp.post("/<token:str>/api/clauses")
    @api(Role.FACILITATOR)
    async def add_clause(request: Request, access: Access):
        rooms.add_clause(access.room_id, _text(_body(request), "text"))
        return await changed(access)

    @bp.post("/<token:str>/api/clauses/<number:int>")
    @api(Role.FACILITATOR)
    async def revise_clause(request: Request, access: Access, number: int):
        rooms.revise_clause(access.room_id, _clause_number(number), _text(_body(request), "text"))
        return await changed(access)

    @bp.post("/<token:str>/api/clauses/<number:int>/vote")
    @api(Role.PARTY)
    async def vote(request: Request, access: Access, number: int):
        """{"version": n, "vote": "can_live_with" | "needs_change" | "cannot_accept",
        "comment": "..."}: a vote on a version since revised gets 409 with the new one."""
        body = _body(request)
        comment = body.get("comment")
        if comment is not None and not isinstance(comment, str):
            raise BadRequest('"comment" must be text')
        rooms.vote(
            access.participant_id,
            _clause_number(number),
            _whole(body, "version"),
            parse_vote(_text(body, "vote")),
            comment,
        )
        return await changed(access)

    @bp.post("/<token:str>/api/confirm")
    @api(Role.PARTY)
    async def confirm(request: Request, access: Access):
        """The party confirms the final text it was shown (named by its SHA-256, so a
        text changed meanwhile is not confirmed by mistake)."""
        shown = _text(_body(request), "text_digest")
        clauses = rooms.text(access.room_id)
        current = final_text(clauses)
        if not current:
            raise BadRequest("the text has no clause yet; there is nothing to confirm")
        if shown != text_digest(current):
            raise BadRequest("the text changed since you read it; read it again, then confirm")
        open_clauses = [c for c in clauses if c.status is not ClauseStatus.AGREED]
        if open_clauses:
            listed = ", ".join(f"{c.number} ({c.status.value})" for c in open_clauses)
            raise BadRequest(f"not every clause is agreed yet: {listed}; confirm once they are")
        rooms.confirm(access.participant_id, current)
        return await changed(access)

    @bp.post("/<token:str>/api/parties")
    @api(Role.FACILITATOR)
    async def add_party(request: Request, access: Access):
        link = rooms.add_party(access.room_id, _text(_body(request), "name"))
        return response.json({"name": link.name, "url": url_of(link.token)}, headers=PRIVATE)

    @bp.post("/<token:str>/api/participants/<name:str>/revoke")
    @api(Role.FACILITATOR)
    async def revoke(_request: Request, access: Access, name: str):
        # Sanic 21.12 hands over the path segment still %-encoded ("Hill%20tribes").
        participant = rooms.participant(access.room_id, unquote(name))
        if participant == access.participant_id:
            raise BadRequest("that is your own link; close the room instead")
        return response.json({"revoked": rooms.revoke_links(participant)}, headers=PRIVATE)

    @bp.post("/<token:str>/api/close")
    @api(Role.FACILITATOR)
    async def close(_request: Request, access: Access):
        rooms.close_room(access.room_id)
        return response.json({"status": "closed"}, headers=PRIVATE)

    @bp.get("/<token:str>/export.md")
    @api(Role.PARTY, Role.FACILITATOR)
    async def export_markdown(_request: Request, access: Access):
        return response.text(
            agreement_markdown(rooms, access.room_id),
            content_type="text/markdown; charset=utf-8",
            headers={**PRIVATE, "Content-Disposition": 'attachment; filename="agreement.md"'},
        )

    @bp.get("/<token:str>/export.json")
    @api(Role.PARTY, Role.FACILITATOR)
    async def export_json(_request: Request, access: Access):
        return response.json(agreement_json(rooms, access.room_id), headers=PRIVATE)

    @bp.get("/<token:str>/events")
    async def events(request: Request, token: str):
        """The view, again each time the room changes (server-sent events)."""
        try:
            access = rooms.resolve(token)
        except LinkRefused as refusal:
            return refused_json(refusal)
        stream = await request.respond(
            content_type="text/event-stream",
            headers={**PRIVATE, "X-Accel-Buffering": "no"},
        )
        loop = asyncio.get_running_loop()
        run = functools.partial(loop.run_in_executor, None)
        # With Redis, a change anywhere wakes this view at once, and the poll is only
        # the fallback (a lost signal, a change made without Redis).
        woken = signals.watch(access.room_id) if signals is not None else None
        seen: int | None = None
        sent = ""  # the last view sent: a change that leaves it as it was sends nothing
        said: int | None = None  # the caucus conversation's latest event (a party's view)
        quiet = checked = 0.0
        try:
            while True:
                try:
                    revision = await run(rooms.revision, access.room_id)
                    if revision != seen or checked >= RECHECK_SECONDS:
                        # Revoked, expired or closed meanwhile: the stream stops.
                        access = await run(rooms.resolve, token)
                        seen, checked = revision, 0.0
                        payload = json.dumps(await view_of(access), ensure_ascii=False)
                        if payload != sent:
                            await stream.send(f"event: view\ndata: {payload}\n\n")
                            sent, quiet = payload, 0.0
                    if access.conversation_id:
                        mark = await run(
                            latest_event_id, settings.database_url, access.conversation_id
                        )
                        if said is not None and mark != said:
                            lines = await run(caucus_lines, access)
                            data = json.dumps({"messages": lines}, ensure_ascii=False)
                            await stream.send(f"event: caucus\ndata: {data}\n\n")
                            quiet = 0.0
                        said = mark
                    if quiet >= HEARTBEAT_SECONDS:
                        await stream.send(": still here\n\n")
                        quiet = 0.0
                except LinkRefused as refusal:
                    payload = json.dumps({"error": str(refusal), "reason": refusal.reason})
                    await stream.send(f"event: refused\ndata: {payload}\n\n")
                    await stream.eof()
                    return None
                started = loop.time()
                if woken is None:
                    await asyncio.sleep(POLL_SECONDS)
                else:
                    with contextlib.suppress(asyncio.TimeoutError):
                        await asyncio.wait_for(woken.wait(), SIGNALLED_POLL_SECONDS)
                    woken.clear()
                waited = loop.time() - started
                quiet += waited
                checked += waited
        finally:
            if woken is not None and signals is not None:
                signals.forget(access.room_id, woken)

    return bp


def agreement_json(rooms: RoomRepository, room_id: str) -> dict[str, Any]:
    """The agreement as it stands: released items, the text with its votes and every
    version, and who confirmed the final text. Nothing unreleased."""
    record = rooms.snapshot(room_id)
    text = final_text(record.text)
    confirmed = rooms.confirmations(room_id, text) if text else {}
    return {
        "room_id": record.room_id,
        "topic": record.topic,
        "status": record.status,
        "parties": list(record.parties),
        "released": [
            {"party": i.party, "kind": i.kind.value, "text": i.text}
            for i in record.items
            if i.state.value == "released"
        ],
        "clauses": [
            {
                "number": v.number,
                "version": v.version,
                "text": v.text,
                "votes": {
                    party: {"vote": vote.value, "comment": comment}
                    for party, (vote, comment) in v.votes.items()
                },
            }
            for v in rooms.versions(room_id)
        ],
        "final_text": text,
        "status_by_clause": {str(c.number): c.status.value for c in record.text},
        "confirmations": {party: _iso(at) for party, at in confirmed.items()},
    }


def agreement_markdown(rooms: RoomRepository, room_id: str) -> str:
    data = agreement_json(rooms, room_id)
    lines = [f"# Agreement: {data['topic']}", "", f"Parties: {', '.join(data['parties'])}.", ""]
    lines += ["## Text", ""]
    for clause in sorted(rooms.text(room_id), key=lambda c: c.number):
        first, *rest = clause.text.splitlines() or [""]
        lines.append(f"{clause.number}. {first}" + ("" if rest else f" *({clause.status.value})*"))
        lines += [f"   {line}" for line in rest]  # the clause's own lines, indented under it
        if rest:
            lines.append(f"   *({clause.status.value})*")
    if not data["final_text"]:
        lines.append("No clause yet.")
    lines += ["", "## Confirmations", ""]
    for party in data["parties"]:
        at = data["confirmations"].get(party)
        lines.append(
            f"- {party}: " + (f"confirmed the text above, {at}" if at else "not confirmed")
        )
    lines += ["", "## What the parties shared", ""]
    for item in data["released"]:
        lines.append(f"- {item['party']} ({item['kind'].replace('_', ' ')}): {item['text']}")
    if not data["released"]:
        lines.append("Nothing was shared.")
    return "\n".join(lines) + "\n"
