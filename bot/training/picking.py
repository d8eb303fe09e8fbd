"""Choosing a scenario from what the trainee typed or clicked."""

from __future__ import annotations

import random
import re
from collections.abc import Mapping, Sequence

from bot.knowledge.scenarios import Scenario
from bot.mediation.analysis import Analyser

RANDOM_WORDS = re.compile(
    r"\b(random|surprise|any|anything|whatever|you (choose|pick|decide)|dealer'?s choice)\b",
    re.IGNORECASE,
)
RANDOM = "random"


def scenario_menu(scenarios: Mapping[str, Scenario]) -> list[Scenario]:
    """The order in which scenarios are listed (and numbered) to the trainee."""
    return sorted(scenarios.values(), key=lambda s: s.title)


def pick_scenario(
    text: str,
    scenarios: Mapping[str, Scenario],
    analyser: Analyser,
    chosen_id: str | None = None,
    rng: random.Random | None = None,
) -> Scenario | None:
    """The scenario meant by a button's id, "random", a number from the menu, an id, or
    words of a title ("the fishing one"); None when nothing fits clearly."""
    menu = scenario_menu(scenarios)
    if chosen_id == RANDOM or (chosen_id is None and RANDOM_WORDS.search(text)):
        return (rng or random.Random()).choice(menu)
    if chosen_id is not None and chosen_id in scenarios:
        return scenarios[chosen_id]
    stripped = text.strip().lower()
    if stripped in scenarios:
        return scenarios[stripped]
    number = re.fullmatch(r"(?:number\s+|no\.?\s*|#)?(\d{1,2})[.)]?", stripped)
    if number:
        index = int(number.group(1))
        return menu[index - 1] if 1 <= index <= len(menu) else None
    words = analyser.analyse(text).content_lemmas
    if not words:
        return None
    scored = _overlaps(words, menu, analyser)
    best = max(scored, key=lambda pair: pair[0])
    ties = [s for n, s in scored if n == best[0]]
    return best[1] if best[0] > 0 and len(ties) == 1 else None


def _overlaps(
    words: frozenset[str], menu: Sequence[Scenario], analyser: Analyser
) -> list[tuple[int, Scenario]]:
    return [
        (len(words & analyser.analyse(f"{s.title} {s.id.replace('-', ' ')}").content_lemmas), s)
        for s in menu
    ]


def brief_messages(scenario: Scenario) -> list[str]:
    """The case as a trainee reads it: the public brief and each party's stated positions."""
    positions = "\n".join(
        f"• {party.name}: " + " ".join(party.positions) for party in scenario.parties
    )
    first = scenario.parties[0].name
    return [
        f"Case: {scenario.title}\n\n{scenario.brief}",
        f"What the parties say in public:\n{positions}",
        "You are the mediator. Those are positions; your job is to find the interests behind "
        f"them. Question a party in your own words (for example “ask {first} what worries "
        "them most”), then tell me each interest you have found.",
    ]
