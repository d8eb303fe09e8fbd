"""One real case (benchmarks/cases/dev/galwan-2020.yml) typed over REST, then the record.

The case is typed as a facilitator would type it; the stored record must hold each
statement with its kind and its party (the demands each side made of the other
stay with the side that made them), and the common ground must name the contested
valley as contested, never as shared.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from bot.store.repository import SessionRepository

CASE = Path(__file__).resolve().parents[2] / "benchmarks" / "cases" / "dev" / "galwan-2020.yml"


def test_a_real_case_is_stored_with_the_right_kind_and_party(stack):
    case = yaml.safe_load(CASE.read_text(encoding="utf-8"))
    sender = "integration-real-case"

    def say(text: str) -> str:
        return "\n".join(r.get("text") or "" for r in stack.say(sender, text))

    say("hello")
    say("I'd like to start a mediation")
    say("yes")
    say(case["topic"])
    assert "What matters to India" in say("India and China")
    turn = "India"
    for statement in case["statements"]:
        if statement["turn"] != turn:
            assert "What matters to China" in say("done")
            turn = statement["turn"]
        say(statement["text"])
    reply = say("done")
    assert "Step 4 of 6" in reply

    repository = SessionRepository(stack.settings.database_url)
    record = repository.latest_for_sender(sender)
    stored = {s.text: (s.kind, s.party) for s in repository.statements(record.id)}
    by_id = {s["id"]: s for s in case["statements"]}
    # The two demands of the issue: each stays with the side that made it.
    assert stored[by_id["s1"]["text"]] == ("position", "India")
    assert stored[by_id["s10"]["text"]] == ("position", "China")
    # "where are we?" is navigation, never a statement.
    assert by_id["s6"]["text"] not in stored
    right = sum(
        stored.get(s["text"], ("none", None)) == (s["kind"], s["belongs_to"])
        for s in case["statements"]
        if s["kind"] != "none"
    )
    assert right >= 10, stored  # of 11 labelled statements

    ground = repository.common_ground(record.id)
    kinds = {c.kind for c in ground}
    assert "contested" in kinds, [(c.kind, c.text) for c in ground]
    valley = {by_id["s1"]["text"], by_id["s7"]["text"]}
    for point in ground:
        said = {s["text"] for s in point.evidence["statements"]}
        if point.kind != "contested":
            assert not valley <= said, point.text  # the valley is never common ground
    reply = say("yes")
    assert "Step 5 of 6" in reply
    offered = [m.measure_id for m in sorted(repository.measures(record.id), key=lambda m: m.rank)]
    assert set(offered[:3]) & set(case["measures"]), offered
