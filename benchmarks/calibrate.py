"""Calibrate the semantic layer's settings on development data; prints figures.

    .venv/bin/python benchmarks/calibrate.py [--model models/….tar.gz]

- topic thresholds: against the training scenarios' labelled interests (text and cue);
- the statement-kind blend (classifier weight, ask-below confidence): against the
  dev cases and the old NLU hold-out (`tests/nlu/holdout.yml`, a dev set since it
  was tuned against), with DIET's ranking from the trained model;
- common-ground thresholds and measure ranking: against the dev cases, with their
  gold kinds and parties (so each setting is judged on its own);
- shared needs again on `benchmarks/shared_needs/` (45 disputes written with hard
  look-alikes), sentence vectors against word alignment.

Only `benchmarks/cases/dev` is used; the held-out split is for `eval_cases.py`.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import logging
from pathlib import Path

import yaml
from cases import Outcome, Tally, load_cases

from bot.knowledge import load_knowledge
from bot.mediation import common_ground, statement_kind, topics
from bot.mediation.analysis import Analyser
from bot.mediation.attribution import attribute
from bot.mediation.common_ground import MeasureText, Said, find_common_ground
from bot.mediation.ranking import CaseProfile, measure_text, rank_measures
from bot.mediation.semantics import default_semantics
from bot.mediation.statement_kind import KindClassifier, decide_kind, nlu_examples
from bot.settings import CACHE_DIR, NLU_DIR, PROJECT_ROOT

KNOWLEDGE_DIR = PROJECT_ROOT / "data" / "knowledge"


def latest_model() -> Path:
    models = sorted((PROJECT_ROOT / "models").glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    if not models:
        raise SystemExit("No trained model in models/: run `make train` first")
    return models[-1]


def diet_rankings(model: Path, texts: list[str]) -> dict[str, list[dict]]:
    from rasa.core.agent import Agent
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)  # no per-message debug lines on stdout
    logging.getLogger("rasa").setLevel(logging.WARNING)
    agent = Agent.load(str(model))

    async def run() -> dict[str, list[dict]]:
        out = {}
        for text in texts:
            parsed = await agent.parse_message(text)
            out[text] = [
                r for r in parsed.get("intent_ranking") or [] if r["name"] != "nlu_fallback"
            ]
        return out

    return asyncio.run(run())


def calibrate_topics(knowledge, semantics) -> None:
    lexical = Analyser(knowledge.topics)
    items = []
    for path in sorted((KNOWLEDGE_DIR / "scenarios").glob("*.yml")):
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        for party in raw["parties"]:
            for interest in party["interests"]:
                for text in (interest["text"], interest.get("cue")):
                    if text:
                        items.append((text, set(interest["topics"]), lexical.analyse(text).topics))

    def score(tag) -> tuple[float, float, float]:
        tp = fp = fn = 0
        for text, gold, lex in items:
            got = set(tag(text, lex))
            tp, fp, fn = tp + len(got & gold), fp + len(got - gold), fn + len(gold - got)
        p, r = tp / max(tp + fp, 1), tp / max(tp + fn, 1)
        return round(2 * p * r / max(p + r, 1e-9), 3), round(p, 3), round(r, 3)

    print(f"Topics: {len(items)} labelled scenario sentences")
    print(f"  lexical only: F1 {score(lambda t, lex: lex)} (F1, precision, recall)")
    tagger = topics.TopicTagger(knowledge.topics, semantics)
    print(f"  by meaning (current settings): F1 {score(tagger.tag)}")
    best = []
    for th, tt, margin in itertools.product(
        (0.26, 0.3, 0.34, 0.38), (0.14, 0.18, 0.22), (0.08, 0.12, 0.16)
    ):
        tagger = topics.TopicTagger(knowledge.topics, semantics, th, tt, margin)
        best.append((score(tagger.tag), th, tt, margin))
    for row in sorted(best, reverse=True)[:3]:
        print(
            f"  grid: F1/P/R {row[0]} at threshold {row[1]}, with a term {row[2]}, margin {row[3]}"
        )


def calibrate_training_match(semantics) -> None:
    """Training's match by meaning: a scenario cue (a party's own words for one of its
    interests) should meet that interest, and not the party's other interests."""
    own, other = [], []
    for path in sorted((KNOWLEDGE_DIR / "scenarios").glob("*.yml")):
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        for party in raw["parties"]:
            for interest in party["interests"]:
                if not interest.get("cue"):
                    continue
                for candidate in party["interests"]:
                    sim = semantics.similarity(interest["cue"], candidate["text"])
                    (own if candidate is interest else other).append(sim)
    print(f"Training match by meaning: {len(own)} cues")
    for threshold in (0.35, 0.4, 0.45, 0.5, 0.55):
        hit = sum(s >= threshold for s in own) / len(own)
        wrong = sum(s >= threshold for s in other) / len(other)
        print(
            f"  at {threshold}: meets its own interest {hit:.2f}, another of the party {wrong:.2f}"
        )


def dev_kind_items(cases) -> list[tuple[str, str, tuple[str, ...], str | None]]:
    """(text, kind, parties, speaker): the dev cases' statements, then the old hold-out's
    lines (no parties, no speaker)."""
    items = [(s.text, s.kind, c.parties, s.turn) for c in cases for s in c.statements]
    holdout = PROJECT_ROOT / "tests" / "nlu" / "holdout.yml"
    tmp = Path("/tmp/concordia-holdout-dev")
    tmp.mkdir(exist_ok=True)
    (tmp / "holdout.yml").write_text(holdout.read_text(encoding="utf-8"), encoding="utf-8")
    items += [(text, kind, (), None) for text, kind in nlu_examples(tmp)]
    return items


def calibrate_kind(classifier, semantics, rankings, items) -> None:
    print(f"Statement kind: {len(items)} dev items (dev cases + old hold-out)")
    rows = []
    chosen = statement_kind.ASK_BELOW
    for weight, ask in itertools.product((0.0, 0.4, 0.5, 0.6, 0.7, 0.8, 1.0), (0.0, 0.45)):
        statement_kind.ASK_BELOW = ask
        right = sum(
            decide_kind(
                text, classifier, rankings[text], semantics.words, names, weight, speaker
            ).kind
            == kind
            for text, kind, names, speaker in items
        )
        rows.append((round(right / len(items), 3), weight, ask))
    statement_kind.ASK_BELOW = chosen
    weights = statement_kind.POSITION_CUE_WEIGHT, statement_kind.INTEREST_CUE_WEIGHT
    for position, interest in itertools.product((0.3, 0.5, 1.0), (0.0, 0.2, 0.3)):
        statement_kind.POSITION_CUE_WEIGHT, statement_kind.INTEREST_CUE_WEIGHT = position, interest
        right = sum(
            decide_kind(
                text, classifier, rankings[text], semantics.words, names, speaker=speaker
            ).kind
            == kind
            for text, kind, names, speaker in items
        )
        print(f"  cues: position +{position}, interest +{interest}: {right / len(items):.3f}")
    statement_kind.POSITION_CUE_WEIGHT, statement_kind.INTEREST_CUE_WEIGHT = weights
    for acc, weight, ask in sorted(rows, reverse=True)[:6]:
        print(f"  accuracy {acc} with classifier weight {weight}, ask below {ask}")
    diet_only = next(r for r in rows if r[1] == 0.0 and r[2] == 0.0)[0]
    clf_only = next(r for r in rows if r[1] == 1.0 and r[2] == 0.0)[0]
    print(f"  DIET alone {diet_only}; classifier alone {clf_only}")


def simulate(case, semantics, knowledge, measures, analyser) -> Outcome:
    """The domain's judgements on a case with its gold kinds (common ground and ranking)."""
    said = [
        Said(s.belongs_to, s.kind, s.text)
        for s in case.statements
        if s.kind in ("interest", "position") and s.belongs_to
    ]
    found = find_common_ground(said, list(case.parties), semantics, measures)
    analyses = [
        analyser.analyse(s.text) for s in case.statements if s.kind in ("interest", "option")
    ]
    points = [f for f in found if f.kind != common_ground.COMPATIBLE]
    profile = CaseProfile.from_analyses(
        analyses, priority_texts=[s.text for f in points for s in f.statements]
    )
    ranked = rank_measures(
        knowledge.measures.values(), profile, knowledge.topics, semantics=semantics
    )
    return Outcome(
        stored={s.text: (s.kind, s.belongs_to) for s in case.statements if s.kind != "none"},
        shared=[frozenset(s.text for s in f.statements) for f in found if f.kind == "shared_need"],
        compatible=[
            frozenset(s.text for s in f.statements) for f in found if f.kind == "compatible"
        ],
        measures=[r.measure.id for r in ranked],
        contested=[frozenset(s.text for s in f.statements) for f in found if f.kind == "contested"],
    )


def calibrate_ground(cases, semantics, knowledge, analyser) -> None:
    """Shared-need alignment, then the two contested thresholds, each varied with the
    others at their current settings."""
    measures = [MeasureText(m.id, m.title, measure_text(m)) for m in knowledge.measures.values()]
    print(f"Common ground and ranking: {len(cases)} dev cases, gold kinds and parties")
    current = {
        "SHARED_NEED_ALIGNMENT": common_ground.SHARED_NEED_ALIGNMENT,
        "CONTESTED_SIMILARITY": common_ground.CONTESTED_SIMILARITY,
        "CONTESTED_POSITION_SIMILARITY": common_ground.CONTESTED_POSITION_SIMILARITY,
    }
    grid = {
        "SHARED_NEED_ALIGNMENT": (0.3, 0.33, 0.36, 0.39),
        "CONTESTED_SIMILARITY": (0.45, 0.5, 0.55, 0.6, 0.65),
        "CONTESTED_POSITION_SIMILARITY": (0.25, 0.3, 0.35, 0.4, 0.45),
    }
    for name, values in grid.items():
        for value in values:
            for other, setting in current.items():
                setattr(common_ground, other, value if other == name else setting)
            tally = Tally()
            for case in cases:
                tally.add(case, simulate(case, semantics, knowledge, measures, analyser))
            f = tally.figures()
            mark = " (current)" if value == current[name] else ""
            print(
                f"  {name} {value}{mark}: shared recall {f['shared_need_recall']}, precision "
                f"{f['shared_need_precision']}, contested named {f['contested_named']}, "
                f"contested-as-shared {f['contested_as_shared']}, "
                f"measure fit {f['measure_fit_top3']}"
            )
    for other, setting in current.items():
        setattr(common_ground, other, setting)


def load_shared_need_sets() -> list[dict]:
    """`benchmarks/shared_needs/`: 45 disputes' interests with their shared needs and
    the look-alikes that are not (near misses, contested), written to be hard."""
    return [
        yaml.safe_load(path.read_text(encoding="utf-8"))
        for path in sorted((PROJECT_ROOT / "benchmarks" / "shared_needs").glob("*.yml"))
    ]


def as_shared_need_set(case) -> dict:
    """A dev case in the shared-need sets' form: its interests and shared needs."""
    return {
        "parties": list(case.parties),
        "interests": [
            {"id": s.id, "party": s.belongs_to, "text": s.text}
            for s in case.statements
            if s.kind == "interest" and s.belongs_to
        ],
        "shared_needs": [sorted(ids) for _, ids in case.shared_needs],
    }


def calibrate_shared_need_sets(name: str, sets, semantics) -> None:
    """Sentence vectors against word alignment on every cross-party pair (AUC), then
    shared-need recall and precision of `find_common_ground` at each threshold, on
    interests alone (no positions, so nothing is set aside as contested)."""
    from sklearn.metrics import roc_auc_score

    labels, by_sentence, by_words = [], [], []
    for raw in sets:
        groups = [set(g) for g in raw.get("shared_needs") or []]
        for a, b in itertools.combinations(raw["interests"], 2):
            if a["party"] == b["party"]:
                continue
            labels.append(any(a["id"] in g and b["id"] in g for g in groups))
            by_sentence.append(semantics.similarity(a["text"], b["text"]))
            by_words.append(semantics.alignment(a["text"], b["text"], skip=raw["parties"]))
    print(
        f"{name}: {len(sets)} disputes, {len(labels)} cross-party pairs, "
        f"{sum(labels)} the same need; pair AUC by sentence vectors "
        f"{roc_auc_score(labels, by_sentence):.3f}, by word alignment "
        f"{roc_auc_score(labels, by_words):.3f}"
    )
    chosen = common_ground.SHARED_NEED_ALIGNMENT
    for threshold in (0.3, 0.33, 0.36, 0.39):
        common_ground.SHARED_NEED_ALIGNMENT = threshold
        found = total = right = proposed = 0
        for raw in sets:
            party_of = {i["id"]: i["party"] for i in raw["interests"]}
            id_of = {i["text"]: i["id"] for i in raw["interests"]}
            said = [Said(i["party"], "interest", i["text"]) for i in raw["interests"]]
            if not said:
                continue
            items = [
                {id_of[s.text] for s in item.statements}
                for item in find_common_ground(said, raw["parties"], semantics)
                if item.kind == common_ground.SHARED_NEED
            ]
            gold = [set(g) for g in raw.get("shared_needs") or []]

            def match(g: set[str], item: set[str], party_of=party_of) -> bool:
                return len({party_of[i] for i in g & item}) >= 2

            total += len(gold)
            found += sum(any(match(g, item) for item in items) for g in gold)
            proposed += len(items)
            right += sum(any(match(g, item) for g in gold) for item in items)
        print(
            f"  alignment ≥{threshold}: recall {found / max(total, 1):.3f}, "
            f"precision {right / max(proposed, 1):.3f}"
        )
    common_ground.SHARED_NEED_ALIGNMENT = chosen


def attribution_check(cases) -> None:
    right = total = 0
    for case in cases:
        for s in case.statements:
            if s.kind == "none":
                continue
            total += 1
            right += attribute(s.text, s.kind, s.turn, case.parties) == s.belongs_to
    print(f"Attribution with gold kinds on dev cases: {right}/{total}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=None)
    args = parser.parse_args()
    knowledge = load_knowledge(KNOWLEDGE_DIR)
    semantics = default_semantics()
    analyser = Analyser(knowledge.topics, semantics)
    cases = load_cases("dev")
    calibrate_topics(knowledge, semantics)
    calibrate_training_match(semantics)
    attribution_check(cases)
    classifier = KindClassifier.load_or_train(semantics, NLU_DIR, CACHE_DIR)
    items = dev_kind_items(cases)
    rankings = diet_rankings(args.model or latest_model(), sorted({t for t, *_ in items}))
    calibrate_kind(classifier, semantics, rankings, items)
    calibrate_ground(cases, semantics, knowledge, analyser)
    calibrate_shared_need_sets(
        "Shared needs, dev cases", [as_shared_need_set(c) for c in cases], semantics
    )
    calibrate_shared_need_sets(
        "Shared needs, benchmarks/shared_needs", load_shared_need_sets(), semantics
    )


if __name__ == "__main__":
    main()
