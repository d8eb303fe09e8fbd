"""Scoring a training session against the scenario's answer key, skill by skill.

Every score is between 0 and 1 and comes with the figures behind it, what was
found (with the words that matched), what was missed, and a tip. Nothing attempted
scores 0 with the reason, so a trainee who skipped every step still gets a debrief.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from bot.knowledge.catalog import Measure
from bot.knowledge.debrief import Skill
from bot.mediation.analysis import Analysis
from bot.training.matching import AnswerKey, KeyItem, Match, best_match
from bot.training.questioning import QUALITY_LABELS, QUALITY_WEIGHTS

GOOD_SCORE = 0.6
AVOID_PENALTY = 0.25
HOSTILE_PENALTY = 0.25
# How much questioning is about the questions' form, and how much about what they revealed.
FORM_WEIGHT, REVEAL_WEIGHT = 0.6, 0.4


@dataclass(frozen=True)
class NamedStatement:
    """Something the trainee named in the interests step, as the assistant recorded it."""

    party: str | None
    kind: str  # interest | position | option
    analysis: Analysis


@dataclass(frozen=True)
class AskedQuestion:
    party: str | None
    quality: str
    revealed: str | None


@dataclass(frozen=True)
class TrainingRecord:
    """What the trainee did in one session: the input to scoring."""

    statements: Sequence[NamedStatement] = ()
    questions: Sequence[AskedQuestion] = ()
    common_ground: Sequence[Analysis] = ()
    accepted_measures: Sequence[str] = ()  # catalogue ids
    own_measures: Sequence[Analysis] = ()
    hostile_remarks: int = 0  # hostile messages that were not questions


@dataclass(frozen=True)
class SkillScore:
    skill: str
    label: str
    score: float
    summary: str
    found: tuple[str, ...] = ()
    missed: tuple[str, ...] = ()
    tip: str = ""
    method: str = ""

    def as_dict(self) -> dict:
        return {
            "skill": self.skill,
            "label": self.label,
            "score": self.score,
            "summary": self.summary,
            "found": list(self.found),
            "missed": list(self.missed),
            "tip": self.tip,
            "method": self.method,
        }

    @classmethod
    def from_dict(cls, data: Mapping) -> SkillScore:
        return cls(
            skill=data["skill"],
            label=data["label"],
            score=float(data["score"]),
            summary=data["summary"],
            found=tuple(data.get("found", ())),
            missed=tuple(data.get("missed", ())),
            tip=data.get("tip", ""),
            method=data.get("method", ""),
        )


@dataclass(frozen=True)
class Debrief:
    scenario_id: str
    skills: tuple[SkillScore, ...] = field(default_factory=tuple)

    @property
    def overall(self) -> float:
        if not self.skills:
            return 0.0
        return round(sum(s.score for s in self.skills) / len(self.skills), 3)


def _f1(precision: float, recall: float) -> float:
    return 0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall)


def _pct(value: float) -> str:
    return f"{round(value * 100)}%"


def _tip(
    skill: Skill, score: float, attempted: bool, example: str = "", level: str | None = None
) -> str:
    level = level or ("none" if not attempted else ("good" if score >= GOOD_SCORE else "low"))
    text = skill.tips[level]
    return f"{text} {example}".strip() if example and level != "good" else text


def _score(
    skill: Skill,
    score: float,
    summary: str,
    found=(),
    missed=(),
    attempted=True,
    example="",
    level: str | None = None,
) -> SkillScore:
    score = round(min(1.0, max(0.0, score)), 3)
    return SkillScore(
        skill.id,
        skill.label,
        score,
        summary,
        tuple(found),
        tuple(missed),
        _tip(skill, score, attempted, example, level),
        skill.method,
    )


def _quote(analysis: Analysis) -> str:
    text = " ".join(analysis.text.split())
    return f"“{text[:117]}…”" if len(text) > 120 else f"“{text}”"


def _describe(match: Match) -> str:
    party = f"{match.item.party}: " if match.item.party else ""
    return f"{party}{match.item.text} (matched {match.evidence()})"


# -- the six skills ------------------------------------------------------------------------
def score_interests(key: AnswerKey, record: TrainingRecord, skill: Skill) -> SkillScore:
    named = [s for s in record.statements if s.kind == "interest"]
    total = len(key.interests)
    if not named:
        return _score(skill, 0.0, f"0 of {total} interests named.", (), _missed(key, set()), False)
    found: dict[str, Match] = {}
    precise = 0
    notes: list[str] = []
    for statement in named:
        own = best_match(
            statement.analysis, key.interests_of(statement.party or ""), semantics=key.semantics
        )
        if own:
            precise += 1
            if own.item.id not in found or own.strength > found[own.item.id].strength:
                found[own.item.id] = own
            continue
        other = best_match(statement.analysis, key.interests, semantics=key.semantics)
        if other:
            notes.append(
                f"{_quote(statement.analysis)} fits {other.item.party}, not "
                f"{statement.party}: {other.item.text}"
            )
        else:
            notes.append(f"{_quote(statement.analysis)} matched no interest in the key")
    recall = len(found) / total
    precision = precise / len(named)
    missed = _missed(key, set(found))
    example = ""
    if missed:
        first = next(i for i in key.interests if i.id not in found)
        example = _ask_example(key, first)
    return _score(
        skill,
        _f1(precision, recall),
        f"Recall {len(found)} of {total} interests ({_pct(recall)}); precision {precise} of "
        f"{len(named)} named ({_pct(precision)}).",
        [_describe(m) for m in found.values()] + notes,
        missed,
        example=example,
    )


def _missed(key: AnswerKey, found: set[str]) -> list[str]:
    return [f"{i.party}: {i.text}" for i in key.interests if i.id not in found]


def _ask_example(key: AnswerKey, item: KeyItem) -> str:
    interest = next(
        i
        for p in key.scenario.parties
        if p.name == item.party
        for i in p.interests
        if i.id == item.id
    )
    about = ", ".join(interest.keywords[:3])
    return (
        f"For example, an open question to {item.party} about {about} (“What worries you "
        f"about …?”) would have uncovered this: {interest.text}"
    )


def score_positions(key: AnswerKey, record: TrainingRecord, skill: Skill) -> SkillScore:
    named = [s for s in record.statements if s.kind in ("interest", "position")]
    if not named:
        return _score(skill, 0.0, "Nothing named in the interests step.", attempted=False)
    mistaken: list[str] = []
    for statement in named:
        if statement.kind == "position":
            cues = ", ".join(statement.analysis.position_cues)
            why = f" (signal words: {cues})" if cues else ""
            mistaken.append(
                f"{_quote(statement.analysis)} was offered as an interest but is a demand{why}"
            )
            continue
        # Echoing a position's words is a mistake when the statement names no interest,
        # or when it is worded as a demand ("must", "never") and is closer to the position.
        as_position = best_match(
            statement.analysis,
            [p for p in key.positions if p.party == statement.party],
            semantics=key.semantics,
        )
        as_interest = best_match(
            statement.analysis, key.interests_of(statement.party or ""), semantics=key.semantics
        )
        if as_position and (
            as_interest is None
            or (statement.analysis.position_cues and as_position.strength > as_interest.strength)
        ):
            mistaken.append(
                f"{_quote(statement.analysis)} restates {statement.party}'s position "
                f"“{as_position.item.text}” (matched {as_position.evidence()})"
            )
    right = len(named) - len(mistaken)
    example = ""
    if mistaken:
        position, interest = key.positions[0], key.interests_of(key.positions[0].party or "")[0]
        example = (
            f"For instance, behind {position.party}'s demand “{position.text}” lies a need: "
            f"{interest.text}"
        )
    return _score(
        skill,
        right / len(named),
        f"{len(mistaken)} of {len(named)} things named were positions, not interests.",
        [f"{right} named as real needs"] if right else [],
        mistaken,
        example=example,
    )


def score_questions(key: AnswerKey, record: TrainingRecord, skill: Skill) -> SkillScore:
    asked = list(record.questions)
    total_interests = len(key.interests)
    if not asked:
        return _score(skill, 0.0, "No questions asked to the parties.", attempted=False)
    form = sum(QUALITY_WEIGHTS.get(q.quality, 0.0) for q in asked) / len(asked)
    revealed = {q.revealed for q in asked if q.revealed}
    share = len(revealed) / total_interests
    counts = {k: sum(1 for q in asked if q.quality == k) for k in QUALITY_WEIGHTS}
    breakdown = ", ".join(f"{n} {QUALITY_LABELS[k]}" for k, n in counts.items() if n)
    weak = [k for k in ("hostile", "leading", "closed") if counts[k]]
    example = ""
    if weak:
        example = (
            f"Rephrase a {QUALITY_LABELS[weak[0]]} question as an open one: instead of "
            "“Don't you agree to stop?”, ask “What would you need in order to pause?”."
        )
    return _score(
        skill,
        FORM_WEIGHT * form + REVEAL_WEIGHT * share,
        f"{len(asked)} questions ({breakdown}); they revealed {len(revealed)} of "
        f"{total_interests} interests. Score = {FORM_WEIGHT} × form {form:.2f} + "
        f"{REVEAL_WEIGHT} × revealed {share:.2f}.",
        [f"Revealed {key.interest(i).party}: {key.interest(i).text}" for i in sorted(revealed)],
        [f"Never revealed: {i.party}: {i.text}" for i in key.interests if i.id not in revealed],
        example=example,
    )


def score_common_ground(key: AnswerKey, record: TrainingRecord, skill: Skill) -> SkillScore:
    named = list(record.common_ground)
    total = len(key.common_ground)
    missed_all = [c.text for c in key.common_ground]
    if not named:
        return _score(
            skill, 0.0, f"0 of {total} points of common ground named.", (), missed_all, False
        )
    found: dict[str, Match] = {}
    precise = 0
    unmatched = []
    for analysis in named:
        hit = best_match(analysis, key.common_ground, semantics=key.semantics)
        if hit:
            precise += 1
            found.setdefault(hit.item.id, hit)
        else:
            unmatched.append(f"{_quote(analysis)} matched no shared interest in the key")
    recall, precision = len(found) / total, precise / len(named)
    return _score(
        skill,
        _f1(precision, recall),
        f"Recall {len(found)} of {total} ({_pct(recall)}); precision {precise} of "
        f"{len(named)} named ({_pct(precision)}).",
        [_describe(m) for m in found.values()] + unmatched,
        [c.text for c in key.common_ground if c.id not in found],
    )


def score_measures(
    key: AnswerKey,
    record: TrainingRecord,
    skill: Skill,
    catalogue: Sequence[KeyItem],
    measures: Mapping[str, Measure],
) -> SkillScore:
    fitting = set(key.scenario.measures)
    proposed: dict[str, str] = {m: "accepted from the list" for m in record.accepted_measures}
    found: list[str] = []
    for analysis in record.own_measures:
        hit = best_match(analysis, catalogue, semantics=key.semantics)
        if hit and hit.item.id not in proposed:
            proposed[hit.item.id] = f"your words {_quote(analysis)} (matched {hit.evidence()})"
        elif hit is None:
            found.append(f"{_quote(analysis)} matched no catalogue measure")
    avoided = []
    for analysis in [*record.own_measures, *record.common_ground]:
        bad = best_match(analysis, key.avoid, words_only=True, semantics=key.semantics)
        if bad:
            avoided.append(
                f"{_quote(analysis)} is a move to avoid: {bad.item.text} (matched {bad.evidence()})"
            )
    missed = [measures[m].title for m in key.scenario.measures if m not in proposed]
    if not proposed and not record.own_measures:
        return _score(
            skill,
            0.0,
            f"No measures proposed; {len(fitting)} would fit this case.",
            (),
            missed,
            False,
        )
    good = [m for m in proposed if m in fitting]
    recall = len(good) / len(fitting)
    precision = len(good) / max(1, len(proposed) + sum(1 for f in found))
    penalty = AVOID_PENALTY * len(avoided)
    title = lambda m: measures[m].title if m in measures else m  # noqa: E731
    return _score(
        skill,
        _f1(precision, recall) - penalty,
        f"{len(good)} of {len(fitting)} fitting measures proposed; {len(good)} of "
        f"{len(proposed) + len(found)} proposals fit"
        + (f"; {len(avoided)} move(s) to avoid, −{penalty:.2f}" if avoided else "")
        + ".",
        [
            f"{title(m)}: {how}" + ("" if m in fitting else " (does not fit this case)")
            for m, how in proposed.items()
        ]
        + found,
        [f"Not proposed: {t}" for t in missed] + avoided,
        example=f"In this case, for example: {missed[0]}." if missed else "",
    )


def score_tone(record: TrainingRecord, skill: Skill) -> SkillScore:
    moves = (
        len(record.questions)
        + len(record.statements)
        + len(record.common_ground)
        + len(record.own_measures)
        + record.hostile_remarks
    )
    hostile = record.hostile_remarks + sum(1 for q in record.questions if q.quality == "hostile")
    if moves == 0:
        return _score(skill, 0.0, "Nothing to judge.", attempted=False)
    return _score(
        skill,
        1.0 - HOSTILE_PENALTY * hostile,
        f"{hostile} hostile or blaming message(s) out of {moves}.",
        [] if hostile else ["Respectful throughout"],
        [f"{hostile} hostile or blaming message(s)"] if hostile else [],
        level="low" if hostile else None,  # one insult is enough to need the advice
    )


def score_session(
    key: AnswerKey,
    record: TrainingRecord,
    skills: Mapping[str, Skill],
    catalogue: Sequence[KeyItem],
    measures: Mapping[str, Measure],
) -> Debrief:
    """The whole debrief, in the order of `skills` (the debrief file's order)."""
    scored = {
        "interests": score_interests(key, record, skills["interests"]),
        "positions": score_positions(key, record, skills["positions"]),
        "questions": score_questions(key, record, skills["questions"]),
        "common_ground": score_common_ground(key, record, skills["common_ground"]),
        "measures": score_measures(key, record, skills["measures"], catalogue, measures),
        "tone": score_tone(record, skills["tone"]),
    }
    return Debrief(key.scenario.id, tuple(scored[s] for s in skills))
