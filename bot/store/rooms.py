"""Rooms in the database: participants and their links, the consent ledger, and the
negotiating text with every version and vote (docs/architecture.md §8).

The rules themselves (which ledger moves are allowed, who reads what, how a clause
scores) are `bot/rooms/`; this module applies them inside one transaction each, so
two tabs or two web processes acting at once leave a consistent record.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.rooms.access import Role, new_token, token_digest
from bot.rooms.consensus import ClauseStanding, Vote, check_vote, standing
from bot.rooms.ledger import (
    MAX_ITEM_CHARS,
    MAX_NAME_CHARS,
    ItemKind,
    LedgerError,
    LedgerItem,
    Share,
    change,
)
from bot.rooms.view import RoomRecord, final_text, text_digest
from bot.settings import Settings
from bot.store.db import session_scope
from bot.store.models import (
    Clause,
    ClauseVersion,
    ClauseVote,
    LedgerChange,
    LedgerEntry,
    Room,
    RoomConfirmation,
    RoomLink,
    RoomParticipant,
    utcnow,
)

logger = logging.getLogger(__name__)

FACILITATOR = "Facilitator"
CHANGED_ROOMS = "concordia_changed_rooms"  # Session.info key: rooms a unit of work touched
MAX_TOPIC_CHARS = 2000
MAX_CLAUSE_CHARS = 8000
DEFAULT_LINK_LIFETIME = timedelta(days=14)


class RoomError(ValueError):
    """A request the rooms refuse; the message says what is wrong and what to do."""


class UnknownRoom(RoomError, LookupError):
    """No room, participant or clause has this id."""


class LinkRefused(LookupError):
    """A link that opens nothing: unknown (`reason` "unknown"), or one that did but no
    longer does ("expired", "revoked", "closed")."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


class StaleVersion(RoomError):
    """A vote on a version the facilitator has since revised."""

    def __init__(self, number: int, version: int, text: str) -> None:
        super().__init__(
            f"clause {number} was revised: vote on version {version}, which now reads: {text}"
        )
        self.number, self.version, self.text = number, version, text


@dataclass(frozen=True)
class IssuedLink:
    participant_id: int
    name: str
    role: Role
    token: str  # shown once: only its digest is stored
    expires_at: datetime


@dataclass(frozen=True)
class CreatedRoom:
    room_id: str
    topic: str
    facilitator: IssuedLink
    parties: list[IssuedLink]


@dataclass(frozen=True)
class Access:
    """Who a link says its holder is."""

    room_id: str
    topic: str
    participant_id: int
    name: str
    role: Role
    conversation_id: str | None


@dataclass(frozen=True)
class LedgerRecord:
    """One state an item took, for the reviewer's ledger."""

    item_id: int
    party: str
    kind: ItemKind
    from_state: Share | None
    to_state: Share
    by: str | None
    at: datetime


@dataclass(frozen=True)
class RoomSummary:
    """A line of the reviewer's room list."""

    room_id: str
    topic: str
    status: str
    created_at: datetime
    parties: int
    items: int
    released: int
    clauses: int


@dataclass(frozen=True)
class ParticipantRecord:
    name: str
    role: Role
    conversation_id: str | None
    live_links: int


@dataclass(frozen=True)
class VersionRecord:
    number: int
    version: int
    text: str
    votes: dict[str, tuple[Vote, str | None]]
    created_at: datetime


def new_room_id() -> str:
    return "rm-" + secrets.token_hex(8)


def _clean(value: str, what: str, limit: int) -> str:
    """`value` as typed, if it says something and fits; RoomError naming it otherwise."""
    if not isinstance(value, str) or not value.strip():
        raise RoomError(f"the {what} is empty: type at least one word")
    if "\x00" in value:
        raise RoomError(f"the {what} contains a NUL character (U+0000); remove it")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise RoomError(
            f"the {what} contains an unpaired surrogate, which is not text; type it again"
        ) from None
    if len(value) > limit:
        raise RoomError(f"the {what} is {len(value)} characters long; the limit is {limit}")
    return value


def party_names(names: Sequence[str]) -> list[str]:
    """The parties' names, checked: at least two, none twice, none the facilitator's."""
    cleaned = [" ".join(_clean(n, "party name", MAX_NAME_CHARS).split()) for n in names]
    if len(cleaned) < 2:
        raise RoomError("a room needs at least two parties: give --party NAME for each")
    seen: set[str] = set()
    for name in cleaned:
        key = name.casefold()
        if key == FACILITATOR.casefold():
            raise RoomError(f"{name!r} is the facilitator's name; call the party something else")
        if key in seen:
            raise RoomError(f"the party {name!r} is named twice; each party once")
        seen.add(key)
    return cleaned


class RoomRepository:
    def __init__(
        self,
        database_url: str,
        link_lifetime: timedelta = DEFAULT_LINK_LIFETIME,
        on_change: Callable[[str], None] | None = None,
    ) -> None:
        """`on_change(room_id)` is told of each room a unit of work changed, once it is
        committed (bot/ops/room_signals.py publishes it to the live views)."""
        self.url = database_url
        self.link_lifetime = link_lifetime
        self.on_change = on_change

    @classmethod
    def from_settings(
        cls, settings: Settings, on_change: Callable[[str], None] | None = None
    ) -> RoomRepository:
        return cls(settings.database_url, timedelta(days=settings.room_link_days), on_change)

    @contextmanager
    def _unit(self) -> Iterator[Session]:
        """A unit of work; once it is committed, `on_change` hears of the rooms it
        changed (a failed one changed nothing, and says nothing)."""
        with session_scope(self.url) as db:
            yield db
            changed = set(db.info.get(CHANGED_ROOMS, ()))
        if self.on_change is not None:
            for room_id in sorted(changed):
                try:
                    self.on_change(room_id)
                except Exception:  # a signal lost is a view a poll later, never a failed change
                    logger.exception("Could not signal the change to room %s", room_id)

    # -- rooms and links --------------------------------------------------------------
    def _issue(self, db: Session, participant: RoomParticipant) -> IssuedLink:
        token = new_token()
        digest = token_digest(token)
        assert digest is not None  # a fresh token always has the right form
        expires = utcnow() + self.link_lifetime
        db.add(RoomLink(participant_id=participant.id, token_digest=digest, expires_at=expires))
        return IssuedLink(participant.id, participant.name, Role(participant.role), token, expires)

    @staticmethod
    def _add_participant(
        db: Session, room_id: str, role: Role, name: str, position: int
    ) -> RoomParticipant:
        participant = RoomParticipant(
            room_id=room_id, role=role.value, name=name, position=position
        )
        db.add(participant)
        db.flush()
        if role is Role.PARTY:
            # The caucus: its own Rasa conversation, unguessable like the link.
            participant.conversation_id = f"room-{participant.id}-{secrets.token_hex(16)}"
        return participant

    def create_room(self, topic: str, parties: Sequence[str]) -> CreatedRoom:
        topic = _clean(topic, "topic", MAX_TOPIC_CHARS)
        names = party_names(parties)
        room_id = new_room_id()
        with self._unit() as db:
            db.add(Room(id=room_id, topic=topic, status="open"))
            db.flush()
            facilitator = self._issue(
                db, self._add_participant(db, room_id, Role.FACILITATOR, FACILITATOR, 0)
            )
            links = [
                self._issue(db, self._add_participant(db, room_id, Role.PARTY, name, position))
                for position, name in enumerate(names, start=1)
            ]
        return CreatedRoom(room_id, topic, facilitator, links)

    @staticmethod
    def _touch(db: Session, room_id: str) -> None:
        """Count a change to the room, in the change's own transaction: live views
        (bot/web/rooms.py) watch this number, whichever process made the change."""
        db.execute(update(Room).where(Room.id == room_id).values(revision=Room.revision + 1))
        db.info.setdefault(CHANGED_ROOMS, set()).add(room_id)

    def revision(self, room_id: str) -> int:
        with self._unit() as db:
            value = db.execute(select(Room.revision).where(Room.id == room_id)).scalar()
            if value is None:
                raise UnknownRoom(f"no room with id {room_id!r}")
            return value

    @staticmethod
    def _room(db: Session, room_id: str) -> Room:
        room = db.get(Room, room_id)
        if room is None:
            raise UnknownRoom(f"no room with id {room_id!r}")
        return room

    @staticmethod
    def _participant(db: Session, participant_id: int) -> RoomParticipant:
        participant = db.get(RoomParticipant, participant_id)
        if participant is None:
            raise UnknownRoom(f"no participant with id {participant_id!r}")
        return participant

    def add_party(self, room_id: str, name: str) -> IssuedLink:
        with self._unit() as db:
            self._touch(db, room_id)  # first: one change at a time per room
            room = self._room(db, room_id)
            if room.status != "open":
                raise RoomError(f"room {room_id} is closed; open a new room to add parties")
            current = [p.name for p in room.participants if p.role == Role.PARTY.value]
            (name,) = party_names([*current, name])[len(current) :]
            position = 1 + max((p.position for p in room.participants), default=0)
            return self._issue(db, self._add_participant(db, room_id, Role.PARTY, name, position))

    def issue_link(self, participant_id: int) -> IssuedLink:
        """A new link for the same participant (after a revoke or a lost link): the
        caucus and the votes stay theirs."""
        with self._unit() as db:
            participant = self._participant(db, participant_id)
            self._touch(db, participant.room_id)
            if self._room(db, participant.room_id).status != "open":
                raise RoomError("the room is closed; a closed room issues no links")
            return self._issue(db, participant)

    def revoke_links(self, participant_id: int) -> int:
        """Revoke every live link of a participant; how many were live."""
        with self._unit() as db:
            self._touch(db, self._participant(db, participant_id).room_id)
            links = db.execute(
                select(RoomLink).where(
                    RoomLink.participant_id == participant_id, RoomLink.revoked_at.is_(None)
                )
            ).scalars()
            count = 0
            for link in links:
                link.revoked_at = utcnow()
                count += 1
            return count

    def close_room(self, room_id: str) -> None:
        with self._unit() as db:
            room = self._room(db, room_id)
            if room.status != "closed":
                room.status, room.closed_at = "closed", utcnow()
                self._touch(db, room_id)

    def resolve(self, token: str) -> Access:
        """The participant a link opens; LinkRefused saying why not."""
        digest = token_digest(token) if isinstance(token, str) else None
        if digest is None:
            raise LinkRefused("unknown", "no room has this link")
        with self._unit() as db:
            row = db.execute(
                select(RoomLink, RoomParticipant, Room)
                .join(RoomParticipant, RoomLink.participant_id == RoomParticipant.id)
                .join(Room, RoomParticipant.room_id == Room.id)
                .where(RoomLink.token_digest == digest)
            ).one_or_none()
            if row is None:
                raise LinkRefused("unknown", "no room has this link")
            link, participant, room = row
            if link.revoked_at is not None:
                raise LinkRefused(
                    "revoked", "this link was revoked; ask the facilitator for a new one"
                )
            if room.status == "closed":
                raise LinkRefused("closed", "this room is closed; the facilitator closed it")
            if link.expires_at <= utcnow():
                raise LinkRefused(
                    "expired", "this link has expired; ask the facilitator for a new one"
                )
            return Access(
                room.id,
                room.topic,
                participant.id,
                participant.name,
                Role(participant.role),
                participant.conversation_id,
            )

    def participant(self, room_id: str, name: str) -> int:
        """The id of the participant called `name` (any case) in the room."""
        with self._unit() as db:
            room = self._room(db, room_id)
            wanted = " ".join(name.split()).casefold()
            for participant in room.participants:
                if participant.name.casefold() == wanted:
                    return participant.id
            names = ", ".join(p.name for p in room.participants)
            raise UnknownRoom(f"room {room_id} has no participant {name!r} (it has {names})")

    def parties(self, room_id: str) -> list[str]:
        with self._unit() as db:
            self._room(db, room_id)
            return self._party_names(db, room_id)

    def list_rooms(self, limit: int = 200) -> list[RoomSummary]:
        """The newest rooms first, with their counts (for reviewers)."""
        with self._unit() as db:
            rooms = list(
                db.execute(select(Room).order_by(Room.created_at.desc()).limit(limit)).scalars()
            )
            ids = [r.id for r in rooms]

            def counted(query) -> dict[str, int]:
                return dict(db.execute(query).all()) if ids else {}

            parties = counted(
                select(RoomParticipant.room_id, func.count())
                .where(RoomParticipant.room_id.in_(ids), RoomParticipant.role == "party")
                .group_by(RoomParticipant.room_id)
            )
            items = counted(
                select(LedgerEntry.room_id, func.count())
                .where(LedgerEntry.room_id.in_(ids))
                .group_by(LedgerEntry.room_id)
            )
            released = counted(
                select(LedgerEntry.room_id, func.count())
                .where(LedgerEntry.room_id.in_(ids), LedgerEntry.state == Share.RELEASED.value)
                .group_by(LedgerEntry.room_id)
            )
            clauses = counted(
                select(Clause.room_id, func.count())
                .where(Clause.room_id.in_(ids))
                .group_by(Clause.room_id)
            )
            return [
                RoomSummary(
                    r.id,
                    r.topic,
                    r.status,
                    r.created_at,
                    parties.get(r.id, 0),
                    items.get(r.id, 0),
                    released.get(r.id, 0),
                    clauses.get(r.id, 0),
                )
                for r in rooms
            ]

    def participants(self, room_id: str) -> list[ParticipantRecord]:
        """Everyone in the room, with how many of their links still open it."""
        now = utcnow()
        with self._unit() as db:
            room = self._room(db, room_id)
            live = dict(
                db.execute(
                    select(RoomLink.participant_id, func.count())
                    .join(RoomParticipant, RoomLink.participant_id == RoomParticipant.id)
                    .where(
                        RoomParticipant.room_id == room_id,
                        RoomLink.revoked_at.is_(None),
                        RoomLink.expires_at > now,
                    )
                    .group_by(RoomLink.participant_id)
                ).all()
            )
            return [
                ParticipantRecord(p.name, Role(p.role), p.conversation_id, live.get(p.id, 0))
                for p in room.participants
            ]

    def party_by_conversation(self, conversation_id: str) -> Access | None:
        """The party whose caucus is this Rasa conversation, if any."""
        with self._unit() as db:
            row = db.execute(
                select(RoomParticipant, Room)
                .join(Room, RoomParticipant.room_id == Room.id)
                .where(RoomParticipant.conversation_id == conversation_id)
            ).one_or_none()
            if row is None:
                return None
            participant, room = row
            return Access(
                room.id, room.topic, participant.id, participant.name, Role.PARTY, conversation_id
            )

    # -- the consent ledger -------------------------------------------------------------
    @staticmethod
    def _party(db: Session, participant_id: int) -> RoomParticipant:
        participant = RoomRepository._participant(db, participant_id)
        if participant.role != Role.PARTY.value:
            raise RoomError("only a party has a caucus; the facilitator's link cannot do this")
        return participant

    def record_item(
        self, participant_id: int, kind: ItemKind, text: str, message_id: str | None = None
    ) -> int | None:
        """A caucus item, private; None if this message already recorded one."""
        text = _clean(text, "item", MAX_ITEM_CHARS)
        try:
            with self._unit() as db:
                party = self._party(db, participant_id)
                self._touch(db, party.room_id)  # first: one change at a time per room
                if message_id is not None:
                    found = db.execute(
                        select(LedgerEntry.id).where(
                            LedgerEntry.participant_id == participant_id,
                            LedgerEntry.message_id == message_id,
                        )
                    ).first()
                    if found:
                        return None
                entry = LedgerEntry(
                    room_id=party.room_id,
                    participant_id=participant_id,
                    kind=kind.value,
                    text=text,
                    state=Share.PRIVATE.value,
                    message_id=message_id,
                )
                db.add(entry)
                db.flush()
                db.add(
                    LedgerChange(
                        item_id=entry.id, to_state=Share.PRIVATE.value, by_participant_id=party.id
                    )
                )
                return entry.id
        except IntegrityError:
            return None  # the same message recorded concurrently

    def set_state(
        self, participant_id: int, item_ids: Iterable[int] | None, wanted: Share
    ) -> list[LedgerItem]:
        """Move the party's own items (all of them when `item_ids` is None) to `wanted`,
        all or none: one refused move (another's item, a release undone) changes nothing."""
        with self._unit() as db:
            party = self._party(db, participant_id)
            # First: takes the room's write lock, so a release cannot race a tab moving
            # the same item back (the read below sees every committed change).
            self._touch(db, party.room_id)
            query = select(LedgerEntry).where(LedgerEntry.participant_id == participant_id)
            wanted_ids = None if item_ids is None else list(dict.fromkeys(item_ids))
            if wanted_ids is not None:
                query = query.where(LedgerEntry.id.in_(wanted_ids))
            entries = list(db.execute(query.order_by(LedgerEntry.id)).scalars())
            if wanted_ids is not None:
                missing = sorted(set(wanted_ids) - {e.id for e in entries})
                if missing:
                    raise RoomError(
                        f"no item {', '.join(map(str, missing))} in {party.name}'s caucus"
                    )
            if item_ids is None and wanted is not Share.RELEASED:
                entries = [e for e in entries if e.state != Share.RELEASED.value]
            moves = [(e, change(Share(e.state), wanted)) for e in entries]
            for entry, state in moves:
                if state.value != entry.state:
                    db.add(
                        LedgerChange(
                            item_id=entry.id,
                            from_state=entry.state,
                            to_state=state.value,
                            by_participant_id=party.id,
                        )
                    )
                    entry.state = state.value
            return [
                LedgerItem(e.id, party.name, ItemKind(e.kind), e.text, Share(e.state))
                for e in entries
            ]

    @staticmethod
    def _items(db: Session, room_id: str) -> list[LedgerItem]:
        rows = db.execute(
            select(LedgerEntry, RoomParticipant.name)
            .join(RoomParticipant, LedgerEntry.participant_id == RoomParticipant.id)
            .where(LedgerEntry.room_id == room_id)
            .order_by(RoomParticipant.position, LedgerEntry.id)
        ).all()
        return [
            LedgerItem(e.id, name, ItemKind(e.kind), e.text, Share(e.state)) for e, name in rows
        ]

    def notes_of(self, access: Access) -> list[LedgerItem]:
        """A party's own items, in the order it noted them (the page numbers them so)."""
        return [i for i in self.items(access.room_id) if i.party == access.name]

    def items(self, room_id: str) -> list[LedgerItem]:
        """Every item of the room, each with its party: callers filter by viewer
        (`bot.rooms.access`)."""
        with self._unit() as db:
            self._room(db, room_id)
            return self._items(db, room_id)

    def ledger_history(self, room_id: str) -> list[LedgerRecord]:
        with self._unit() as db:
            self._room(db, room_id)
            names = dict(
                db.execute(
                    select(RoomParticipant.id, RoomParticipant.name).where(
                        RoomParticipant.room_id == room_id
                    )
                ).all()
            )
            rows = db.execute(
                select(LedgerChange, LedgerEntry)
                .join(LedgerEntry, LedgerChange.item_id == LedgerEntry.id)
                .where(LedgerEntry.room_id == room_id)
                .order_by(LedgerChange.id)
            ).all()
            return [
                LedgerRecord(
                    entry.id,
                    names[entry.participant_id],
                    ItemKind(entry.kind),
                    Share(c.from_state) if c.from_state else None,
                    Share(c.to_state),
                    names.get(c.by_participant_id) if c.by_participant_id else None,
                    c.at,
                )
                for c, entry in rows
            ]

    # -- the negotiating text -------------------------------------------------------------
    def _open_room(self, db: Session, room_id: str) -> Room:
        room = self._room(db, room_id)
        if room.status != "open":
            raise RoomError(f"room {room_id} is closed; its text can no longer change")
        return room

    def add_clause(self, room_id: str, text: str) -> int:
        """A new clause at the end of the text; its number."""
        text = _clean(text, "clause", MAX_CLAUSE_CHARS)
        with self._unit() as db:
            self._touch(db, room_id)  # first: two clauses added at once get two numbers
            self._open_room(db, room_id)
            number = 1 + (
                db.execute(
                    select(func.max(Clause.number)).where(Clause.room_id == room_id)
                ).scalar()
                or 0
            )
            clause = Clause(room_id=room_id, number=number)
            db.add(clause)
            db.flush()
            db.add(ClauseVersion(clause_id=clause.id, version=1, text=text))
            return number

    @staticmethod
    def _clause(db: Session, room_id: str, number: int) -> Clause:
        clause = db.execute(
            select(Clause).where(Clause.room_id == room_id, Clause.number == number)
        ).scalar_one_or_none()
        if clause is None:
            raise UnknownRoom(f"the text has no clause {number}")
        return clause

    def revise_clause(self, room_id: str, number: int, text: str) -> int:
        """A new version of clause `number` (earlier versions and their votes are kept);
        the new version's number. Votes start again on it."""
        text = _clean(text, "clause", MAX_CLAUSE_CHARS)
        with self._unit() as db:
            self._touch(db, room_id)  # first: a revision and a vote never interleave
            self._open_room(db, room_id)
            clause = self._clause(db, room_id, number)
            version = clause.versions[-1].version + 1
            db.add(ClauseVersion(clause_id=clause.id, version=version, text=text))
            return version

    def vote(
        self, participant_id: int, number: int, version: int, vote: Vote, comment: str | None
    ) -> None:
        """A party's vote on version `version` of clause `number`; StaleVersion (with the
        current wording) if the clause was revised since. Voting again replaces it."""
        comment = check_vote(vote, comment)
        if comment is not None:
            comment = _clean(comment, "comment", MAX_CLAUSE_CHARS)
        with self._unit() as db:
            party = self._party(db, participant_id)
            self._touch(db, party.room_id)  # first: the version read below is the latest
            self._open_room(db, party.room_id)
            current = self._clause(db, party.room_id, number).versions[-1]
            if current.version != version:
                raise StaleVersion(number, current.version, current.text)
            existing = db.execute(
                select(ClauseVote).where(
                    ClauseVote.version_id == current.id, ClauseVote.participant_id == party.id
                )
            ).scalar_one_or_none()
            if existing is None:
                db.add(
                    ClauseVote(
                        version_id=current.id,
                        participant_id=party.id,
                        vote=vote.value,
                        comment=comment,
                    )
                )
            else:
                existing.vote, existing.comment, existing.at = vote.value, comment, utcnow()

    def _versions(self, db: Session, room_id: str) -> list[VersionRecord]:
        names = dict(
            db.execute(
                select(RoomParticipant.id, RoomParticipant.name).where(
                    RoomParticipant.room_id == room_id
                )
            ).all()
        )
        rows = db.execute(
            select(Clause.number, ClauseVersion)
            .join(ClauseVersion, ClauseVersion.clause_id == Clause.id)
            .where(Clause.room_id == room_id)
            .order_by(Clause.number, ClauseVersion.version)
        ).all()
        votes: dict[int, dict[str, tuple[Vote, str | None]]] = {}
        for v in db.execute(
            select(ClauseVote)
            .join(ClauseVersion, ClauseVote.version_id == ClauseVersion.id)
            .join(Clause, ClauseVersion.clause_id == Clause.id)
            .where(Clause.room_id == room_id)
        ).scalars():
            votes.setdefault(v.version_id, {})[names[v.participant_id]] = (Vote(v.vote), v.comment)
        return [
            VersionRecord(number, cv.version, cv.text, votes.get(cv.id, {}), cv.created_at)
            for number, cv in rows
        ]

    def versions(self, room_id: str) -> list[VersionRecord]:
        """Every version of every clause, with its votes (the reviewer's history)."""
        with self._unit() as db:
            self._room(db, room_id)
            return self._versions(db, room_id)

    @staticmethod
    def _party_names(db: Session, room_id: str) -> list[str]:
        return list(
            db.execute(
                select(RoomParticipant.name)
                .where(RoomParticipant.room_id == room_id, RoomParticipant.role == Role.PARTY.value)
                .order_by(RoomParticipant.position)
            ).scalars()
        )

    @staticmethod
    def _standings(versions: list[VersionRecord], parties: list[str]) -> list[ClauseStanding]:
        latest = {record.number: record for record in versions}  # in version order: the last
        return [
            standing(
                r.number, r.version, r.text, {n: vote for n, (vote, _) in r.votes.items()}, parties
            )
            for r in latest.values()
        ]

    def text(self, room_id: str) -> list[ClauseStanding]:
        """The current version of each clause, in the text's order, with its votes,
        consensus score and status (`bot.rooms.consensus.ranked` orders by score)."""
        with self._unit() as db:
            self._room(db, room_id)
            return self._standings(self._versions(db, room_id), self._party_names(db, room_id))

    def snapshot(self, room_id: str) -> RoomRecord:
        """Everything about the room, read in one transaction (one consistent revision)."""
        with self._unit() as db:
            room = self._room(db, room_id)
            versions = self._versions(db, room_id)
            parties = self._party_names(db, room_id)
            text = self._standings(versions, parties)
            written = final_text(text)
            confirmed = self._confirmations(db, room_id, written) if written else {}
            return RoomRecord(
                room_id=room.id,
                topic=room.topic,
                status=room.status,
                parties=parties,
                items=self._items(db, room_id),
                text=text,
                comments={
                    (v.number, v.version): {
                        name: comment for name, (_, comment) in v.votes.items() if comment
                    }
                    for v in versions
                },
                confirmed=[party for party in parties if party in confirmed],
            )

    def confirm(self, participant_id: int, final_text: str) -> None:
        """A party confirms the final text as it reads now (kept by its digest)."""
        with self._unit() as db:
            party = self._party(db, participant_id)
            self._touch(db, party.room_id)
            digest = text_digest(final_text)
            if db.execute(
                select(RoomConfirmation.id).where(
                    RoomConfirmation.participant_id == party.id,
                    RoomConfirmation.text_digest == digest,
                )
            ).first():
                return
            db.add(
                RoomConfirmation(room_id=party.room_id, participant_id=party.id, text_digest=digest)
            )

    @staticmethod
    def _confirmations(db: Session, room_id: str, text: str) -> dict[str, datetime]:
        rows = db.execute(
            select(RoomParticipant.name, RoomConfirmation.at)
            .join(RoomParticipant, RoomConfirmation.participant_id == RoomParticipant.id)
            .where(
                RoomConfirmation.room_id == room_id,
                RoomConfirmation.text_digest == text_digest(text),
            )
        ).all()
        return {name: at for name, at in rows}

    def confirmations(self, room_id: str, final_text: str) -> dict[str, datetime]:
        """The parties that confirmed exactly this text, and when."""
        with self._unit() as db:
            self._room(db, room_id)
            return self._confirmations(db, room_id, final_text)


__all__ = [
    "Access",
    "CreatedRoom",
    "IssuedLink",
    "LedgerError",
    "LinkRefused",
    "RoomError",
    "RoomRepository",
    "StaleVersion",
    "UnknownRoom",
]
