"""What every action needs: the domain services, and facts read off the tracker.

Knowledge and spaCy are loaded once, when the action server imports this module;
a malformed knowledge file stops the server at start-up with a message naming
the file and the entry, instead of failing in the middle of a conversation.
"""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet

from bot.knowledge import KnowledgeError, load_knowledge
from bot.mediation import steps
from bot.mediation.analysis import Analyser
from bot.mediation.common_ground import MeasureText
from bot.mediation.ranking import measure_text
from bot.mediation.semantics import default_semantics
from bot.mediation.statement_kind import KindClassifier
from bot.mediation.turn import Turn
from bot.ops.room_signals import publisher
from bot.settings import CACHE_DIR, NLU_DIR, Settings
from bot.store.repository import SessionRepository
from bot.store.rooms import RoomRepository
from bot.store.training import TrainingRepository
from bot.store.transcript import CLIENT_ID_KEY, VERBATIM_KEY
from bot.training.matching import AnswerKey, catalogue_items

logger = logging.getLogger(__name__)

SETTINGS = Settings.from_env()
try:
    KNOWLEDGE = load_knowledge(SETTINGS.knowledge_dir)
except KnowledgeError as exc:
    logger.error("Cannot start the action server: %s", exc)
    raise SystemExit(f"Cannot start the action server: {exc}") from None
# The semantic layer: one encoder per process, shared by every judgement below.
SEMANTICS = default_semantics()
ANALYSER = Analyser(KNOWLEDGE.topics, SEMANTICS)
KIND_CLASSIFIER = KindClassifier.load_or_train(SEMANTICS, NLU_DIR, CACHE_DIR)
MEASURE_TEXTS = [MeasureText(m.id, m.title, measure_text(m)) for m in KNOWLEDGE.measures.values()]
# Encoded now, not by the first mediation to reach the measures or the first room view:
# about 70 long texts, 1.2 s on this machine (then cached by text).
SEMANTICS.matrix(m.text for m in MEASURE_TEXTS)
REPOSITORY = SessionRepository(SETTINGS.database_url)
TRAINING = TrainingRepository(SETTINGS.database_url)
# Each change to a room wakes its open views at once when Redis is configured.
ROOMS = RoomRepository.from_settings(SETTINGS, on_change=publisher(SETTINGS.redis_url))
# Training answer keys and the catalogue in matchable form, analysed once at start-up.
ANSWER_KEYS = {sid: AnswerKey.build(s, ANALYSER) for sid, s in KNOWLEDGE.scenarios.items()}
CATALOGUE_ITEMS = catalogue_items(KNOWLEDGE.measures.values(), ANALYSER)
TOPIC_LABELS = {topic.id: topic.label for topic in KNOWLEDGE.topics.values()}

LOOP_STEPS = {name: step for name, step in steps.ACTION_STEPS.items() if name.endswith("_form")}
# Slots that belong to one mediation; cleared when a new one starts.
MEDIATION_SLOTS = (
    "mode",
    "scenario",
    "consent",
    "step",
    "topic",
    "parties",
    "party_draft",
    "current_party",
    "interest_statement",
    "pending_statement",
    "common_ground_feedback",
    "measure_decision",
    "shown_measures",
    "caucus_interest",
    "caucus_offer",
    "caucus_red_line",
    "caucus_note",
    "caucus_more",
)
SMALL_TALK_INTENTS = frozenset({"greet", "thank", "affirm", "deny"})


def read_turn(tracker: Tracker) -> Turn:
    """The latest message and the conversation's state, read off the tracker once: what
    the domain's turn decisions take (`bot/mediation/turn.py`)."""
    message = tracker.latest_message or {}
    entities: dict[str, list[str]] = {}
    for entity in message.get("entities") or []:
        if entity.get("entity") and entity.get("value") is not None:
            entities.setdefault(str(entity["entity"]), []).append(str(entity["value"]))
    return Turn(
        text=verbatim_text(tracker),
        intent=latest_intent(tracker),
        confidence=intent_confidence(tracker),
        entities={name: tuple(values) for name, values in entities.items()},
        message_id=message_id(tracker),
        session_id=session_id(tracker),
        step=current_step(tracker),
        party=tracker.get_slot("current_party"),
        parties=tuple(parties_of(tracker)),
        training=is_training(tracker),
    )


def verbatim_text(tracker: Tracker) -> str:
    """The latest message exactly as typed (channels keep it in the metadata)."""
    message = tracker.latest_message or {}
    text = (message.get("metadata") or {}).get(VERBATIM_KEY)
    return text if isinstance(text, str) else message.get("text") or ""


def latest_intent(tracker: Tracker) -> str | None:
    return ((tracker.latest_message or {}).get("intent") or {}).get("name")


def message_id(tracker: Tracker) -> str:
    """The idempotency key for what the latest user message records: the client's own id
    when it sent one (a re-sent message then lands on the same key, whichever Rasa
    server takes it), else Rasa's id for the message."""
    message = tracker.latest_message or {}
    client_id = (message.get("metadata") or {}).get(CLIENT_ID_KEY)
    if isinstance(client_id, str) and client_id:
        return f"client:{client_id}"[:64]
    if message.get("message_id"):
        return str(message["message_id"])
    stamp = next(
        (e.get("timestamp") for e in reversed(tracker.events) if e.get("event") == "user"), 0
    )
    return f"{tracker.sender_id}:{stamp}"


def intent_confidence(tracker: Tracker) -> float:
    """DIET's confidence in the latest message's intent (0 when there is none)."""
    intent = (tracker.latest_message or {}).get("intent") or {}
    return float(intent.get("confidence") or 0.0)


def intent_ranking(tracker: Tracker) -> list[dict]:
    """DIET's ranking of intents for the latest message (its top intent alone when the
    message carries no ranking)."""
    message = tracker.latest_message or {}
    ranking = message.get("intent_ranking")
    if isinstance(ranking, list) and ranking:
        return [r for r in ranking if isinstance(r, dict)]
    intent = message.get("intent")
    return [intent] if isinstance(intent, dict) and intent.get("name") else []


def entity_values(tracker: Tracker, entity: str) -> list[str]:
    return [
        str(e.get("value"))
        for e in (tracker.latest_message or {}).get("entities", [])
        if e.get("entity") == entity and e.get("value") is not None
    ]


def current_step(tracker: Tracker) -> str | None:
    """The step in progress: from the active form, otherwise the last one recorded."""
    loop = (tracker.active_loop or {}).get("name")
    return LOOP_STEPS.get(loop) or tracker.get_slot("step")


def session_id(tracker: Tracker) -> str | None:
    return tracker.get_slot("session_id")


def restart_boundary(tracker: Tracker) -> float:
    """Timestamp of the last restart or session start: where a new transcript begins."""
    for event in reversed(tracker.events):
        if event.get("event") in ("restart", "session_started"):
            return float(event.get("timestamp") or 0)
    return 0.0


def latest_user_timestamp(tracker: Tracker) -> float:
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return float(event.get("timestamp") or 0)
    return 0.0


def enter_step(tracker: Tracker, step: str) -> list[EventType]:
    """Record that the conversation reached `step` (slot and database)."""
    sid = session_id(tracker)
    if sid:
        REPOSITORY.reach_step(sid, step)
    return [SlotSet("step", step)]


def is_training(tracker: Tracker) -> bool:
    return tracker.get_slot("mode") == "training"


def is_caucus(tracker: Tracker) -> bool:
    """A party's private caucus in a room (actions/caucus.py)."""
    return tracker.get_slot("mode") == "caucus"


def answer_key(tracker: Tracker) -> AnswerKey | None:
    """The answer key of the scenario being practised, if any."""
    scenario = tracker.get_slot("scenario")
    return ANSWER_KEYS.get(scenario) if is_training(tracker) and scenario else None


def parties_of(tracker: Tracker) -> list[str]:
    value: Any = tracker.get_slot("parties")
    return [p for p in value if isinstance(p, str)] if isinstance(value, list) else []


def progress_line(tracker: Tracker) -> str:
    step = current_step(tracker)
    return steps.progress(step) if step in steps.STEP_IDS else ""
