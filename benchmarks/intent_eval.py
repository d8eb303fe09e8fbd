"""Scoring intent predictions: per-intent figures and a confusion matrix in Markdown.

Shared by the held-out report (nlu_quality.py) and cross-validation (nlu_crossval.py)
so both print the same way. Parsing (`components/nlu_gate.py`) and scoring
(`bot/ops/nlu_report.py`) are the computation `make test-nlu` gates on.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

from bot.ops.nlu_report import FALLBACK, Prediction, intent_report
from components.nlu_gate import predict

__all__ = ["FALLBACK", "Prediction", "intent_report", "predict_full"]


def predict_full(model: Path, texts: list[str], what: str) -> list[Prediction]:
    """Parse each text with Rasa's full NLU pipeline (the same parse the gate uses)."""
    return predict(model, texts, progress=f"parsing {what}")


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
