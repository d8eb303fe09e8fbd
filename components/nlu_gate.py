"""The NLU gate: parse a labelled file with the trained model, score it, fail below a floor.

    python -m components.nlu_gate --model models/….tar.gz --nlu tests/nlu/heldout.yml --min-f1 0.88

Parsing needs Rasa, so it lives here with the other Rasa-side code; the scoring is
`bot/ops/nlu_report.py`, shared with `benchmarks/nlu_quality.py`, so the gate and the
reported figure are one computation. `concordia test nlu` runs this module.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from pathlib import Path

from bot.ops.nlu_report import FALLBACK, Prediction, intent_report, read_examples, weakest


def predict(model: Path, texts: list[str], progress: str | None = None) -> list[Prediction]:
    """Parse each text with Rasa's full NLU pipeline (fallback included)."""
    from rasa.core.agent import Agent
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)  # no per-message debug lines on stdout
    logging.getLogger("rasa").setLevel(logging.WARNING)
    agent = Agent.load(str(model))

    async def run() -> list[Prediction]:
        out = []
        for index, text in enumerate(texts):
            if progress and index % 100 == 0:
                print(f"{progress}: {index}/{len(texts)}", file=sys.stderr, flush=True)
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


def evaluate(model: Path, path: Path, progress: str | None = None) -> tuple[dict, list[Prediction]]:
    """The intent report of `model` on the NLU file at `path`, and the raw parses."""
    examples = read_examples(path)
    predictions = predict(model, [e.text for e in examples], progress)
    return intent_report([e.label for e in examples], [p.intent for p in predictions]), predictions


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, required=True)
    parser.add_argument("--nlu", type=Path, required=True)
    parser.add_argument("--min-f1", type=float, required=True)
    args = parser.parse_args(argv)
    report, _ = evaluate(args.model, args.nlu)
    print(
        f"Held-out NLU ({args.nlu.name}, {args.model.name}): macro F1 {report['macro_f1']:.3f}, "
        f"accuracy {report['accuracy']:.3f} (threshold: macro F1 >= {args.min_f1:.2f})"
    )
    print("Weakest intents: " + ", ".join(f"{n} {f:.2f}" for n, f in weakest(report)))
    if report["macro_f1"] < args.min_f1:
        print(
            f"FAILED: macro F1 {report['macro_f1']:.3f} is below {args.min_f1:.2f}; "
            "run benchmarks/nlu_quality.py for the per-intent table",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
