"""Scoring intent predictions: per-intent figures and a confusion matrix in Markdown.

Shared by the held-out report (nlu_quality.py) and cross-validation (nlu_crossval.py)
so both print the same way.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from collections import Counter
from pathlib import Path

from tqdm import tqdm


def predict(model: Path, texts: list[str], what: str) -> list[str]:
    """The intent Rasa's full NLU pipeline (fallback included) gives each text."""
    from rasa.core.agent import Agent
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)  # no per-message debug lines on stdout
    logging.getLogger("rasa").setLevel(logging.WARNING)
    agent = Agent.load(str(model))

    async def run() -> list[str]:
        out = []
        for text in tqdm(texts, desc=f"parsing {what}", unit="msg", file=sys.stderr):
            parsed = await agent.parse_message(text)
            out.append((parsed.get("intent") or {}).get("name") or "none")
        return out

    return asyncio.run(run())


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
