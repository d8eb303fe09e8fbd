"""Reading Rasa's intent report and judging it against a threshold."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

NON_INTENT_KEYS = {"accuracy", "macro avg", "weighted avg", "micro avg"}


@dataclass(frozen=True)
class IntentScores:
    macro_f1: float
    weighted_f1: float
    accuracy: float
    per_intent: dict[str, float]

    def worst(self, count: int = 5) -> list[tuple[str, float]]:
        return sorted(self.per_intent.items(), key=lambda pair: pair[1])[:count]


def read_intent_report(path: Path) -> IntentScores:
    """Parse `intent_report.json` written by `rasa test nlu`."""
    try:
        report = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise FileNotFoundError(f"{path} not found: run `rasa test nlu` first") from None
    per_intent = {
        name: float(scores["f1-score"])
        for name, scores in report.items()
        if name not in NON_INTENT_KEYS and isinstance(scores, dict)
    }
    accuracy = report.get("accuracy")
    if isinstance(accuracy, dict):  # older Rasa wrote micro avg instead
        accuracy = accuracy.get("f1-score")
    return IntentScores(
        macro_f1=float(report["macro avg"]["f1-score"]),
        weighted_f1=float(report["weighted avg"]["f1-score"]),
        accuracy=float(accuracy if accuracy is not None else report["micro avg"]["f1-score"]),
        per_intent=per_intent,
    )
