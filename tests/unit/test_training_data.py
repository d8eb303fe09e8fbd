"""Guards on the training data: the held-out and evaluation sets never leak into it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from bot.settings import PROJECT_ROOT

MARKUP = re.compile(r"\[([^\]]+)\]\([^)]+\)")


def _normalise(text: str) -> str:
    return re.sub(r"\W+", " ", MARKUP.sub(r"\1", text).lower()).strip()


def _examples(path: Path) -> dict[str, str]:
    found = {}
    for block in yaml.safe_load(path.read_text())["nlu"]:
        for line in block.get("examples", "").splitlines():
            if line.strip().startswith("- "):
                found[_normalise(line.strip()[2:])] = block["intent"]
    return found


def _training() -> dict[str, str]:
    found: dict[str, str] = {}
    for path in sorted((PROJECT_ROOT / "data" / "nlu").glob("*.yml")):
        found.update(_examples(path))
    return found


@pytest.mark.parametrize("name", ["heldout.yml", "holdout.yml"])
def test_holdout_examples_are_not_in_training(name):
    holdout = _examples(PROJECT_ROOT / "tests" / "nlu" / name)
    leaked = sorted(set(holdout) & set(_training()))
    assert not leaked, f"{name}: held-out examples found in training data: {leaked[:10]}"


def test_the_real_cases_are_not_in_training():
    """benchmarks/cases/ is evaluation data: none of its statements may be trained on."""
    import yaml

    typed = {
        s["text"].strip().lower()
        for path in (PROJECT_ROOT / "benchmarks" / "cases").glob("*/*.yml")
        for s in yaml.safe_load(path.read_text(encoding="utf-8"))["statements"]
        if s["kind"] != "none"  # "ok", "accept 2": commands are meant to be known
    }
    assert len(typed) > 250
    leaked = sorted(typed & {text.strip().lower() for text in _training()})
    assert not leaked, f"case statements found in training data: {leaked[:10]}"


def test_every_contract_intent_has_enough_examples():
    counts: dict[str, int] = {}
    for intent in _training().values():
        counts[intent] = counts.get(intent, 0) + 1
    for intent in (
        "state_interest",
        "state_position",
        "propose_option",
        "express_hostility",
        "start_mediation",
        "start_training",
    ):
        assert counts.get(intent, 0) >= 40, f"{intent} has {counts.get(intent, 0)} examples"
    for intent in (
        "greet",
        "goodbye",
        "affirm",
        "deny",
        "thank",
        "bot_challenge",
        "help",
        "restart",
        "out_of_scope",
        "done",
    ):
        assert counts.get(intent, 0) >= 15, f"{intent} has {counts.get(intent, 0)} examples"


def test_no_casino_utterance_in_training_data():
    casino = PROJECT_ROOT.parent / "shared" / "eval" / "casino"
    files = sorted(casino.glob("casino_*.json"))
    if not files:
        return  # the evaluation set is not beside this checkout; nothing can leak from it
    samples = set()
    for path in files:
        for dialogue in json.loads(path.read_text()):
            for text, _labels in dialogue.get("annotations", []):
                normalised = _normalise(text)
                if len(normalised) > 40:
                    samples.add(normalised)
    training = " \n ".join(_training())
    leaked = [s for s in samples if s in training]
    assert not leaked, f"CaSiNo utterances found in training data: {leaked[:3]}"


def test_the_soaks_typed_text_repeats_no_training_data():
    """benchmarks/typed_text.py: every message a simulated user types (100 users' whole
    mediations) is no training example and shares no 5 words in a row with one."""
    import importlib.util
    import random
    import sys

    folder = PROJECT_ROOT / "benchmarks"
    sys.path.insert(0, str(folder))
    try:
        spec = importlib.util.spec_from_file_location("typed_text", folder / "typed_text.py")
        typed = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(typed)
        lines, grams = typed.training_lines()
        assert len(lines) > 1000 and grams  # the training data was read
        for user in range(100):
            typist = typed.Typist(random.Random(user))
            said = [typist.interest("Arvia") for _ in range(3)]
            for phrases in (typed.START, typed.CONSENT, typed.DONE_PARTY, typed.FINISH):
                said.append(typist.pick(phrases))
            said.append(typist.pick(typed.ACCEPT, n="2"))
            for text in said:
                assert not typed.leaks(text), text
        assert typed.leaks("I want to start a mediation") or typed.leaks("hello")
    finally:
        sys.path.remove(str(folder))
