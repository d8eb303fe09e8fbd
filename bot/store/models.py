"""The assistant's own tables: the structured record of each session.

Rasa's `events` table (the raw log, source of transcripts) lives in the same
database but belongs to Rasa; it is deliberately not part of this metadata.
"""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeMeta, registry, relationship

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

_registry = registry(metadata=MetaData(naming_convention=NAMING))


class Base(metaclass=DeclarativeMeta):
    """The declarative base, written out (SQLAlchemy 1.4's typed form) so that a type
    checker sees the models as classes."""

    __abstract__ = True
    registry = _registry
    metadata = _registry.metadata
    __init__ = _registry.constructor


def session_ref() -> Column:
    """The column by which a row belongs to a session (deleted with it)."""
    return Column(
        String(32),
        ForeignKey("mediation_sessions.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    )


def utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


class MediationSession(Base):
    __tablename__ = "mediation_sessions"

    id = Column(String(32), primary_key=True)
    sender_id = Column(String(255), nullable=False, index=True)
    mode = Column(String(16), nullable=False, default="mediation")
    scenario = Column(String(80), index=True)  # training scenario id, when there is one
    status = Column(String(16), nullable=False, default="active")
    topic = Column(Text)
    step = Column(String(32), nullable=False, default="opening")
    furthest_step = Column(String(32), nullable=False, default="opening")
    summary = Column(Text)
    # Rasa event timestamp from which this session's transcript starts.
    transcript_from = Column(Float, nullable=False, default=0.0)
    started_at = Column(DateTime, nullable=False, default=utcnow, index=True)
    updated_at = Column(DateTime, nullable=False, default=utcnow, onupdate=utcnow)
    ended_at = Column(DateTime)
    reviewed_at = Column(DateTime)
    reviewed_by = Column(String(80))
    # Training mode: who practised (the name they gave), the secret of the debrief page
    # link, and the overall score (0..1) the debrief gave.
    trainee = Column(String(80), index=True)
    debrief_token = Column(String(64), unique=True)
    score = Column(Float)

    parties = relationship(
        "Party", order_by="Party.position", cascade="all, delete-orphan", back_populates="session"
    )
    statements = relationship(
        "Statement", order_by="Statement.id", cascade="all, delete-orphan", back_populates="session"
    )
    common_ground = relationship(
        "CommonGround", order_by="CommonGround.id", cascade="all, delete-orphan"
    )
    measures = relationship(
        "SessionMeasure", order_by="SessionMeasure.rank", cascade="all, delete-orphan"
    )
    moves = relationship("TrainingMove", order_by="TrainingMove.id", cascade="all, delete-orphan")
    scores = relationship(
        "TrainingScore", order_by="TrainingScore.position", cascade="all, delete-orphan"
    )


class Party(Base):
    __tablename__ = "parties"
    __table_args__ = (UniqueConstraint("session_id", "name"),)

    id = Column(Integer, primary_key=True)
    session_id = session_ref()
    name = Column(String(200), nullable=False)
    position = Column(Integer, nullable=False)

    session = relationship("MediationSession", back_populates="parties")


class Statement(Base):
    """What was said about a party, classified as interest, position or option."""

    __tablename__ = "statements"
    # One user message yields at most one statement: Rasa retrying an action is harmless.
    __table_args__ = (UniqueConstraint("session_id", "message_id"),)

    id = Column(Integer, primary_key=True)
    session_id = session_ref()
    party_id = Column(Integer, ForeignKey("parties.id", ondelete="CASCADE"))
    message_id = Column(String(64), nullable=False)
    kind = Column(String(16), nullable=False)
    text = Column(Text, nullable=False)
    topics = Column(JSON, nullable=False, default=list)
    lemmas = Column(JSON, nullable=False, default=list)
    created_at = Column(DateTime, nullable=False, default=utcnow)

    session = relationship("MediationSession", back_populates="statements")
    party = relationship("Party")


class CommonGround(Base):
    __tablename__ = "common_ground"

    id = Column(Integer, primary_key=True)
    session_id = session_ref()
    text = Column(Text, nullable=False)
    source = Column(String(16), nullable=False)  # assistant | user
    status = Column(String(16), nullable=False, default="proposed")  # proposed|confirmed|removed
    # shared_need | compatible | contested (bot/mediation/common_ground.py); a user's own
    # point is a shared need until they say otherwise.
    kind = Column(String(16), nullable=False, default="shared_need", server_default="shared_need")
    evidence = Column(JSON, nullable=False, default=dict)
    message_id = Column(String(64))
    created_at = Column(DateTime, nullable=False, default=utcnow)


class SessionMeasure(Base):
    __tablename__ = "session_measures"
    __table_args__ = (UniqueConstraint("session_id", "measure_id"),)

    id = Column(Integer, primary_key=True)
    session_id = session_ref()
    measure_id = Column(String(80), nullable=False)
    title = Column(Text, nullable=False)
    source = Column(String(16), nullable=False)  # catalogue | user
    status = Column(String(16), nullable=False, default="proposed")  # proposed|accepted|rejected
    rank = Column(Integer, nullable=False)
    reason = Column(Text, nullable=False, default="")
    evidence = Column(JSON, nullable=False, default=dict)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    updated_at = Column(DateTime, nullable=False, default=utcnow, onupdate=utcnow)


class TrainingMove(Base):
    """A trainee's question to a scenario party (and how it was judged), or a hostile remark."""

    __tablename__ = "training_moves"
    __table_args__ = (UniqueConstraint("session_id", "message_id"),)

    id = Column(Integer, primary_key=True)
    session_id = session_ref()
    message_id = Column(String(64), nullable=False)
    kind = Column(String(16), nullable=False)  # question | remark
    party = Column(String(200))
    # open | open_off_topic | closed | leading | hostile (see bot.training.questioning)
    quality = Column(String(16), nullable=False)
    revealed = Column(String(80))  # the interest id the answer disclosed
    text = Column(Text, nullable=False)
    answer = Column(Text, nullable=False, default="")
    created_at = Column(DateTime, nullable=False, default=utcnow)


class TrainingScore(Base):
    """One skill's score in a training debrief, with what was found, missed and the tip."""

    __tablename__ = "training_scores"
    __table_args__ = (UniqueConstraint("session_id", "skill"),)

    id = Column(Integer, primary_key=True)
    session_id = session_ref()
    skill = Column(String(32), nullable=False)
    position = Column(Integer, nullable=False)
    score = Column(Float, nullable=False)
    detail = Column(JSON, nullable=False, default=dict)
    created_at = Column(DateTime, nullable=False, default=utcnow)


class Reviewer(Base):
    """A trainer or supervisor who may read sessions (created with `concordia users add`)."""

    __tablename__ = "reviewers"

    id = Column(Integer, primary_key=True)
    name = Column(String(80), nullable=False, unique=True)
    password_hash = Column(String(255), nullable=False)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    disabled_at = Column(DateTime)  # set by `concordia users disable`: no sign-in


class ReviewerSession(Base):
    """A signed-in reviewer's session, kept server-side so it can be ended at once
    (logout, a new password, a disabled or removed reviewer). The id is the SHA-256
    of the cookie's random token: the table alone opens no session."""

    __tablename__ = "reviewer_sessions"

    id = Column(String(64), primary_key=True)
    reviewer_id = Column(
        Integer, ForeignKey("reviewers.id", ondelete="CASCADE"), nullable=False, index=True
    )
    created_at = Column(DateTime, nullable=False, default=utcnow)
    expires_at = Column(DateTime, nullable=False)


class SessionNote(Base):
    __tablename__ = "session_notes"

    id = Column(Integer, primary_key=True)
    session_id = session_ref()
    author = Column(String(80), nullable=False)
    text = Column(Text, nullable=False)
    created_at = Column(DateTime, nullable=False, default=utcnow)


class SessionTag(Base):
    __tablename__ = "session_tags"
    __table_args__ = (UniqueConstraint("session_id", "tag"),)

    id = Column(Integer, primary_key=True)
    session_id = session_ref()
    tag = Column(String(40), nullable=False, index=True)
    created_at = Column(DateTime, nullable=False, default=utcnow)


class SignInAttempt(Base):
    """Every sign-in attempt, for the record (the limit itself is `SignInLimit`)."""

    __tablename__ = "sign_in_attempts"

    id = Column(Integer, primary_key=True)
    name = Column(String(80), nullable=False)
    address = Column(String(64), nullable=False, index=True)
    succeeded = Column(Boolean, nullable=False, default=False)
    created_at = Column(DateTime, nullable=False, default=utcnow, index=True)


class SignInLimit(Base):
    """Failed sign-ins per address in the current window, claimed with one conditional
    UPDATE so that parallel attempts on several web processes cannot all pass."""

    __tablename__ = "sign_in_limits"

    address = Column(String(64), primary_key=True)
    failures = Column(Integer, nullable=False, default=0)
    window_start = Column(DateTime, nullable=False, default=utcnow)


# -- rooms (docs/architecture.md §8) ----------------------------------------------------
def room_ref() -> Column:
    """The column by which a row belongs to a room (deleted with it)."""
    return Column(
        String(32), ForeignKey("rooms.id", ondelete="CASCADE"), nullable=False, index=True
    )


def participant_ref(nullable: bool = False) -> Column:
    return Column(
        Integer,
        ForeignKey("room_participants.id", ondelete="CASCADE"),
        nullable=nullable,
        index=True,
    )


class Room(Base):
    """A mediation where each party joins from its own device."""

    __tablename__ = "rooms"

    id = Column(String(32), primary_key=True)
    topic = Column(Text, nullable=False)
    status = Column(String(16), nullable=False, default="open")  # open | closed
    # Bumped by every change to the room (same transaction): what live views watch.
    revision = Column(Integer, nullable=False, default=0)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    closed_at = Column(DateTime)

    participants = relationship(
        "RoomParticipant", order_by="RoomParticipant.position", cascade="all, delete-orphan"
    )


class RoomParticipant(Base):
    """The facilitator or a party. A party's caucus is its own Rasa conversation
    (`conversation_id`), in the same tracker store as every other."""

    __tablename__ = "room_participants"
    __table_args__ = (UniqueConstraint("room_id", "name"),)

    id = Column(Integer, primary_key=True)
    room_id = room_ref()
    role = Column(String(16), nullable=False)  # facilitator | party
    name = Column(String(200), nullable=False)
    position = Column(Integer, nullable=False)
    conversation_id = Column(String(80), unique=True)
    created_at = Column(DateTime, nullable=False, default=utcnow)


class RoomLink(Base):
    """A participant's link. Only the SHA-256 of its token is kept: the table alone
    opens no room. Revoking a link leaves the participant (and its caucus) in place,
    so a new link can be issued."""

    __tablename__ = "room_links"

    id = Column(Integer, primary_key=True)
    participant_id = participant_ref()
    token_digest = Column(String(64), nullable=False, unique=True)
    expires_at = Column(DateTime, nullable=False)
    revoked_at = Column(DateTime)
    created_at = Column(DateTime, nullable=False, default=utcnow)


class LedgerEntry(Base):
    """A caucus item (interest, position, option, red line) and how far its party has
    let it go (private, shareable, released; bot/rooms/ledger.py)."""

    __tablename__ = "ledger_items"
    # One caucus message yields at most one item: a retried action records it once.
    __table_args__ = (UniqueConstraint("participant_id", "message_id"),)

    id = Column(Integer, primary_key=True)
    room_id = room_ref()
    participant_id = participant_ref()
    kind = Column(String(16), nullable=False)
    text = Column(Text, nullable=False)
    state = Column(String(16), nullable=False, default="private")
    message_id = Column(String(64))
    created_at = Column(DateTime, nullable=False, default=utcnow)
    updated_at = Column(DateTime, nullable=False, default=utcnow, onupdate=utcnow)


class LedgerChange(Base):
    """Every state an item took, with when and by whom: the reviewer's ledger."""

    __tablename__ = "ledger_changes"

    id = Column(Integer, primary_key=True)
    item_id = Column(
        Integer, ForeignKey("ledger_items.id", ondelete="CASCADE"), nullable=False, index=True
    )
    from_state = Column(String(16))  # None when the item was recorded
    to_state = Column(String(16), nullable=False)
    by_participant_id = participant_ref(nullable=True)
    at = Column(DateTime, nullable=False, default=utcnow)


class Clause(Base):
    """A numbered clause of a room's negotiating text; its wording is in versions."""

    __tablename__ = "clauses"
    __table_args__ = (UniqueConstraint("room_id", "number"),)

    id = Column(Integer, primary_key=True)
    room_id = room_ref()
    number = Column(Integer, nullable=False)
    created_at = Column(DateTime, nullable=False, default=utcnow)

    versions = relationship(
        "ClauseVersion", order_by="ClauseVersion.version", cascade="all, delete-orphan"
    )


class ClauseVersion(Base):
    """One wording of a clause; every version is kept, and votes belong to one."""

    __tablename__ = "clause_versions"
    __table_args__ = (UniqueConstraint("clause_id", "version"),)

    id = Column(Integer, primary_key=True)
    clause_id = Column(
        Integer, ForeignKey("clauses.id", ondelete="CASCADE"), nullable=False, index=True
    )
    version = Column(Integer, nullable=False)
    text = Column(Text, nullable=False)
    created_at = Column(DateTime, nullable=False, default=utcnow)


class ClauseVote(Base):
    """A party's vote on one version of a clause (a later vote on it replaces this)."""

    __tablename__ = "clause_votes"
    __table_args__ = (UniqueConstraint("version_id", "participant_id"),)

    id = Column(Integer, primary_key=True)
    version_id = Column(
        Integer, ForeignKey("clause_versions.id", ondelete="CASCADE"), nullable=False, index=True
    )
    participant_id = participant_ref()
    vote = Column(String(16), nullable=False)
    comment = Column(Text)
    at = Column(DateTime, nullable=False, default=utcnow)


class RoomConfirmation(Base):
    """A party's confirmation of the final text, as it stood (its SHA-256) then."""

    __tablename__ = "room_confirmations"
    __table_args__ = (UniqueConstraint("participant_id", "text_digest"),)

    id = Column(Integer, primary_key=True)
    room_id = room_ref()
    participant_id = participant_ref()
    text_digest = Column(String(64), nullable=False)
    at = Column(DateTime, nullable=False, default=utcnow)
