"""`concordia train`, `validate` and `test`: the model, its data and its gates."""

from __future__ import annotations

import argparse
import subprocess
import sys

from bot.knowledge import load_knowledge
from bot.ops.rasa_model import TRAINING_DIRS, ensure_model, rasa_executable
from bot.settings import Settings

# Held-out macro F1 below which `make test` fails; see the README for how it was set.
NLU_MIN_MACRO_F1 = 0.88


def cmd_train(settings: Settings, args: argparse.Namespace) -> int:
    ensure_model(settings.root, settings.models_dir, force=args.force, env=settings.child_env())
    return 0


def cmd_validate(settings: Settings, args: argparse.Namespace) -> int:
    knowledge = load_knowledge(settings.knowledge_dir)
    print(
        f"Knowledge files are valid ({len(knowledge.measures)} measures, "
        f"{len(knowledge.topics)} topics, {len(knowledge.channels)} channels)."
    )
    return subprocess.call(
        [
            rasa_executable(),
            "data",
            "validate",
            "--fail-on-warnings",
            "--config",
            str(settings.root / "config.yml"),
            "--domain",
            str(settings.root / "domain.yml"),
            "--data",
            *(str(settings.root / d) for d in TRAINING_DIRS),
        ],
        cwd=settings.root,
        env=settings.child_env(),
    )


def cmd_test_stories(settings: Settings, args: argparse.Namespace) -> int:
    model = ensure_model(settings.root, settings.models_dir, env=settings.child_env())
    return subprocess.call(
        [
            rasa_executable(),
            "test",
            "core",
            "--model",
            str(model),
            "--stories",
            str(settings.root / "tests" / "stories"),
            "--fail-on-prediction-errors",
            "--out",
            str(settings.root / "results" / "core"),
        ],
        cwd=settings.root,
        env=settings.child_env(),
    )


def cmd_test_nlu(settings: Settings, args: argparse.Namespace) -> int:
    """Gate on the held-out intents, computed exactly as benchmarks/nlu_quality.py reports
    (components/nlu_gate.py; a subprocess, so that bot/ never imports Rasa)."""
    model = ensure_model(settings.root, settings.models_dir, env=settings.child_env())
    return subprocess.call(
        [
            sys.executable,
            "-m",
            "components.nlu_gate",
            "--model",
            str(model),
            "--nlu",
            str(settings.root / "tests" / "nlu" / "heldout.yml"),
            "--min-f1",
            str(args.min_f1),
        ],
        cwd=settings.root,
        env=settings.child_env(),
    )


def register(commands: argparse._SubParsersAction) -> None:
    train = commands.add_parser("train", help="train a model if config, domain or data changed")
    train.add_argument("--force", action="store_true", help="train even if a model is current")
    train.set_defaults(func=cmd_train)
    commands.add_parser(
        "validate", help="check knowledge files and Rasa training data"
    ).set_defaults(func=cmd_validate)

    tests = commands.add_parser(
        "test", help="Rasa test stories and the held-out NLU report"
    ).add_subparsers(dest="test_command", required=True, metavar="SUITE")
    tests.add_parser("stories", help="tests/stories with --fail-on-prediction-errors").set_defaults(
        func=cmd_test_stories
    )
    nlu = tests.add_parser("nlu", help="intent F1 on tests/nlu/heldout.yml (the gate)")
    nlu.add_argument("--min-f1", type=float, default=NLU_MIN_MACRO_F1)
    nlu.set_defaults(func=cmd_test_nlu)
