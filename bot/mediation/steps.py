"""The six steps of a mediation (docs/architecture.md §1), in order."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Step:
    id: str
    label: str
    purpose: str


STEPS: tuple[Step, ...] = (
    Step("opening", "Opening", "purpose, ground rules and consent"),
    Step("context", "Context", "what the dispute is about and who the parties are"),
    Step("interests", "Interests", "what each party needs behind its demands"),
    Step("common_ground", "Common ground", "interests the parties share"),
    Step("measures", "Confidence-building measures", "options that fit this case"),
    Step("summary", "Agreement and next steps", "summary, next channels, the session reference"),
)
STEP_IDS = tuple(step.id for step in STEPS)
# The Rasa actions that run each step: a transcript's step markers come from them.
ACTION_STEPS = {
    "opening_form": "opening",
    "context_form": "context",
    "interests_form": "interests",
    "common_ground_form": "common_ground",
    "measures_form": "measures",
    "action_summarise": "summary",
}
_BY_ID = {step.id: step for step in STEPS}


def get_step(step_id: str) -> Step:
    try:
        return _BY_ID[step_id]
    except KeyError:
        raise ValueError(f"unknown step {step_id!r}; known steps: {', '.join(STEP_IDS)}") from None


def step_number(step_id: str) -> int:
    return STEP_IDS.index(get_step(step_id).id) + 1


def previous_step(step_id: str) -> str | None:
    index = step_number(step_id) - 1
    return STEP_IDS[index - 1] if index > 0 else None


def next_step(step_id: str) -> str | None:
    index = step_number(step_id) - 1
    return STEP_IDS[index + 1] if index + 1 < len(STEP_IDS) else None


def further(a: str, b: str) -> str:
    """The later of two steps (used to keep the furthest step reached)."""
    return a if step_number(a) >= step_number(b) else b


def progress(step_id: str) -> str:
    """'Step 3 of 6: Interests (what each party needs behind its demands)'."""
    step = get_step(step_id)
    return f"Step {step_number(step_id)} of {len(STEPS)}: {step.label} ({step.purpose})"
