"""Scoring intent predictions: per-intent figures and a confusion matrix in Markdown.

Shared by the held-out report (nlu_quality.py) and cross-validation (nlu_crossval.py)
so both print the same way.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm

FALLBACK = "nlu_fallback"


@dataclass(frozen=True)
class Prediction:
    """One parse: what the pipeline answered, and DIET's own best guess behind it."""

    intent: str  # the answer, `nlu_fallback` included
    best: str  # DIET's top intent (the answer unless the fallback took over)
    confidence: float  # of `best`
    margin: float  # `best`'s confidence minus the runner-up's


def predict_full(model: Path, texts: list[str], what: str) -> list[Prediction]:
    """Parse each text with Rasa's full NLU pipeline (fallback included)."""
    from rasa.core.agent import Agent
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)  # no per-message debug lines on stdout
    logging.getLogger("rasa").setLevel(logging.WARNING)
    agent = Agent.load(str(model))

    async def run() -> list[Prediction]:
        out = []
        for text in tqdm(texts, desc=f"parsing {what}", unit="msg", file=sys.stderr):
            parsed = await agent.parse_message(text)
            intent = (parsed.get("intent") or {}).get("name") or "none"
            ranking = [r for r in parsed.get("intent_ranking") or [] if r.get("name") != FALLBACK]
            if not ranking:  # an empty message: nothing to rank
                out.append(Prediction(intent, FALLBACK, 0.0, 0.0))
                continue
            second = ranking[1]["confidence"] if len(ranking) > 1 else 0.0
            out.append(
                Prediction(
                    intent,
                    ranking[0]["name"],
                    ranking[0]["confidence"],
                    ranking[0]["confidence"] - second,
                )
            )
        return out

    return asyncio.run(run())


def with_fallback(predictions: list[Prediction], threshold: float, ambiguity: float) -> list[str]:
    """The answers the FallbackClassifier would give with other thresholds.

    Rasa's rule: below `threshold` confidence, or within `ambiguity` of the runner-up,
    the answer is `nlu_fallback`. One parse then shows every setting.
    """
    return [
        FALLBACK
        if p.best == FALLBACK or p.confidence < threshold or p.margin < ambiguity
        else p.best
        for p in predictions
    ]


def intent_report(gold: list[str], predicted: list[str]) -> dict:
    """Precision, recall and F1 per gold intent; macro F1 is their mean."""
    pairs = list(zip(gold, predicted, strict=True))
    per_intent = {}
    for label in sorted(set(gold)):
        tp = sum(1 for g, p in pairs if g == p == label)
        fp = sum(1 for g, p in pairs if p == label and g != label)
        fn = sum(1 for g, p in pairs if g == label and p != label)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_intent[label] = {"precision": precision, "recall": recall, "f1": f1, "support": tp + fn}
    confusions = Counter((g, p) for g, p in pairs if g != p)
    return {
        "macro_f1": sum(v["f1"] for v in per_intent.values()) / len(per_intent),
        "accuracy": sum(g == p for g, p in pairs) / len(pairs),
        "per_intent": per_intent,
        "confusions": confusions.most_common(12),
    }


def per_intent_table(report: dict) -> list[str]:
    """Markdown rows, weakest intent first."""
    lines = ["| intent | precision | recall | F1 | support |", "|---|---|---|---|---|"]
    for name, v in sorted(report["per_intent"].items(), key=lambda kv: (kv[1]["f1"], kv[0])):
        lines.append(
            f"| {name} | {v['precision']:.2f} | {v['recall']:.2f} | {v['f1']:.2f} | "
            f"{v['support']} |"
        )
    return lines


def confusion_matrix(gold: list[str], predicted: list[str]) -> list[str]:
    """Markdown confusion matrix: gold intents as rows, predictions as numbered columns.

    Columns are numbered (the row labels give the numbers) so 25 classes fit on a
    page; a zero is shown as `·` so the confusions stand out.
    """
    labels = sorted(set(gold))
    labels += sorted(set(predicted) - set(labels))  # e.g. nlu_fallback, predicted only
    counts = Counter(zip(gold, predicted, strict=True))
    number = {label: i + 1 for i, label in enumerate(labels)}
    lines = [
        "| gold \\ predicted | " + " | ".join(str(number[p]) for p in labels) + " |",
        "|---|" + "---|" * len(labels),
    ]
    for g in labels:
        if g not in set(gold):
            continue
        cells = []
        for p in labels:
            n = counts[(g, p)]
            cells.append(f"**{n}**" if g == p and n else (str(n) if n else "·"))
        lines.append(f"| {number[g]} {g} | " + " | ".join(cells) + " |")
    extra = [label for label in labels if label not in set(gold)]
    if extra:
        lines.append("")
        lines.append(
            "Predicted-only columns: " + ", ".join(f"{number[x]} = {x}" for x in extra) + "."
        )
    return lines


SWEEP = (0.3, 0.35, 0.4, 0.45, 0.5, 0.6)


def check_replay(predictions: list[Prediction], threshold: float, ambiguity: float) -> None:
    """Warn if re-reading at the configured thresholds differs from what Rasa answered."""
    replayed = with_fallback(predictions, threshold, ambiguity)
    differ = sum(p.intent != r for p, r in zip(predictions, replayed, strict=True))
    if differ:
        print(
            f"warning: the threshold sweep differs from Rasa's own answers on {differ} of "
            f"{len(predictions)} messages; read the sweep with care",
            file=sys.stderr,
        )


def fallback_setting(config: Path) -> tuple[float, float]:
    """The FallbackClassifier's (threshold, ambiguity_threshold) in config.yml."""
    import yaml

    for component in yaml.safe_load(config.read_text(encoding="utf-8"))["pipeline"]:
        if component["name"] == "FallbackClassifier":
            return float(component["threshold"]), float(component["ambiguity_threshold"])
    raise ValueError(f"{config} has no FallbackClassifier")
