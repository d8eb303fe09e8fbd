"""5-fold cross-validation of the NLU pipeline on the training data.

Run: .venv/bin/python benchmarks/nlu_crossval.py [--folds 5] [--write]

Each fold trains the NLU part of config.yml (the same pipeline as the product,
FallbackClassifier included) on four fifths of data/nlu and predicts the fifth
it has not seen; the predictions of all folds together give the report and the
confusion matrix. The split is stratified by intent with a fixed seed, so two
runs differ only by training noise. Unlike the held-out set, which is written
apart, these are the training sentences themselves: the figure says how well
the data generalises within itself.
"""

from __future__ import annotations

import argparse
import platform
import sys
import tempfile
from datetime import date
from pathlib import Path

from bench_results import publish
from intent_eval import (
    SWEEP,
    Prediction,
    check_replay,
    confusion_matrix,
    fallback_setting,
    intent_report,
    per_intent_table,
    predict_full,
    with_fallback,
)
from tqdm import tqdm

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
BEGIN, END = "<!-- nlu-crossval:begin -->", "<!-- nlu-crossval:end -->"
SEED = 42


def folds(n: int) -> list[tuple[object, object]]:
    """Stratified (train, test) TrainingData pairs with a fixed seed."""
    from rasa.shared.nlu.training_data.loading import load_data
    from rasa.shared.nlu.training_data.training_data import TrainingData
    from sklearn.model_selection import StratifiedKFold

    data = load_data(str(ROOT / "data" / "nlu"))
    examples = data.intent_examples
    labels = [example.get_full_intent() for example in examples]
    shared = {
        "entity_synonyms": data.entity_synonyms,
        "regex_features": data.regex_features,
        "lookup_tables": data.lookup_tables,
    }
    splitter = StratifiedKFold(n_splits=n, shuffle=True, random_state=SEED)
    return [
        (
            TrainingData(training_examples=[examples[i] for i in train], **shared),
            TrainingData(training_examples=[examples[i] for i in test], **shared),
        )
        for train, test in splitter.split(examples, labels)
    ]


def run(n: int) -> tuple[list[str], list[Prediction]]:
    import rasa.model_training
    from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLWriter

    gold: list[str] = []
    predicted: list[Prediction] = []
    with tempfile.TemporaryDirectory() as scratch:
        for index, (train, test) in enumerate(tqdm(folds(n), desc="folds", file=sys.stderr)):
            data_file = Path(scratch) / f"fold-{index}.yml"
            RasaYAMLWriter().dump(data_file, train)
            model = rasa.model_training.train_nlu(
                str(ROOT / "config.yml"),
                str(data_file),
                str(Path(scratch) / f"model-{index}"),
                domain=str(ROOT / "domain.yml"),
            )
            gold += [example.get_full_intent() for example in test.intent_examples]
            predicted += predict_full(
                Path(model),
                [example.get("text") for example in test.intent_examples],
                f"fold {index + 1}/{n}",
            )
    return gold, predicted


def markdown(n: int, gold: list[str], parses: list[Prediction]) -> str:
    predicted = [p.intent for p in parses]
    report = intent_report(gold, predicted)
    threshold, ambiguity = fallback_setting(ROOT / "config.yml")
    check_replay(parses, threshold, ambiguity)
    sweep = [
        f"| {t}{' (config)' if t == threshold else ''} | "
        f"{intent_report(gold, with_fallback(parses, t, ambiguity))['macro_f1']:.3f} |"
        for t in SWEEP
    ]
    return "\n".join(
        [
            BEGIN,
            f"### NLU {n}-fold cross-validation ({date.today().isoformat()}, {platform.machine()})",
            "",
            f"`data/nlu` ({len(gold)} examples), stratified by intent, seed {SEED}; each fold "
            "trains the pipeline of config.yml on the other folds. Macro F1 over the "
            f"{len(report['per_intent'])} intents **{report['macro_f1']:.3f}**, accuracy "
            f"{report['accuracy']:.3f} (a prediction of `nlu_fallback` counts as a miss).",
            "",
            *per_intent_table(report),
            "",
            "Confusion matrix over all folds (rows: the intent written; columns: the "
            "intent predicted, numbered as the rows):",
            "",
            *confusion_matrix(gold, predicted),
            "",
            f"Macro F1 with other fallback thresholds (same parses, ambiguity {ambiguity}); "
            "the threshold in config.yml is chosen here, on the training data, not on the "
            "held-out or CaSiNo sets:",
            "",
            "| threshold | macro F1 |",
            "|---|---|",
            *sweep,
            END,
        ]
    )


def main() -> int:
    sys.path.insert(0, str(ROOT))  # config.yml names components.* classes
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--write", action="store_true", help="update benchmarks/RESULTS.md")
    args = parser.parse_args()
    gold, predicted = run(args.folds)
    section = markdown(args.folds, gold, predicted)
    publish(RESULTS, BEGIN, END, section, args.write)
    return 0


if __name__ == "__main__":
    sys.exit(main())
