"""Intent quality on a labelled NLU file: one computation for the gate and the report.

`make test-nlu` (`concordia test nlu`, which runs `components/nlu_gate.py`) and
`benchmarks/nlu_quality.py` both parse every example with the trained model's full
NLU pipeline (the fallback included; the parsing, which needs Rasa, is in
`components/nlu_gate.py`) and score it here, so the figure the gate judges is the
figure RESULTS.md reports.
(They used to differ: `rasa test nlu` counts `nlu_fallback` as a class of its own,
and printed 0.894 where the benchmark printed 0.898 for the same model.)

Macro F1 is the mean F1 over the file's gold intents; a message answered with
`nlu_fallback` counts as a miss for its gold intent.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

FALLBACK = "nlu_fallback"
_ENTITY = re.compile(r"\[([^\]]+)\](?:\([^)]*\)|\{[^}]*\})")


@dataclass(frozen=True)
class Example:
    text: str
    label: str


@dataclass(frozen=True)
class Prediction:
    intent: str  # the answer, `nlu_fallback` included
    best: str  # DIET's top intent (the answer unless the fallback took over)
    confidence: float  # of `best`
    margin: float  # `best`'s confidence minus the runner-up's


def read_examples(path: Path) -> list[Example]:
    """(text, intent) pairs of a Rasa NLU file, entity markup removed."""
    import yaml

    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such NLU file; the held-out set lives in tests/nlu/")
    document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    examples = []
    for block in document.get("nlu") or []:
        if "intent" not in block:
            continue
        for line in str(block.get("examples", "")).splitlines():
            line = line.strip()
            if line.startswith("- "):
                examples.append(Example(_ENTITY.sub(r"\1", line[2:]).strip(), block["intent"]))
    return examples


def intent_report(gold: list[str], predicted: list[str]) -> dict:
    """Precision, recall and F1 per gold intent; macro F1 is their mean."""
    if not gold:
        raise ValueError("no labelled examples to score: the NLU file lists no intent examples")
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


def weakest(report: dict, count: int = 5) -> list[tuple[str, float]]:
    return sorted(
        ((name, v["f1"]) for name, v in report["per_intent"].items()), key=lambda kv: kv[1]
    )[:count]
