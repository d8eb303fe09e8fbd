"""Which trained model belongs to the current config, domain and training data.

The model file is named after a fingerprint of everything `rasa train` reads, so
"is the model stale?" is a file lookup: when nothing changed the existing model
is used; when anything changed a new one is trained (Rasa's own cache in
`.rasa/` then retrains only the components whose inputs changed).
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

TRAINING_FILES = ("config.yml", "domain.yml")
TRAINING_DIRS = ("data/nlu", "data/rules", "data/stories")
MODEL_PREFIX = "concordia-"


def training_inputs(root: Path) -> list[Path]:
    files = [root / name for name in TRAINING_FILES]
    for directory in TRAINING_DIRS:
        files.extend(
            sorted(p for p in (root / directory).rglob("*") if p.suffix in (".yml", ".yaml"))
        )
    return files


def fingerprint(root: Path) -> str:
    digest = hashlib.sha256()
    for path in training_inputs(root):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()[:16]


def model_path(root: Path, models_dir: Path) -> Path:
    return models_dir / f"{MODEL_PREFIX}{fingerprint(root)}.tar.gz"


def rasa_executable() -> str:
    return str(Path(sys.executable).with_name("rasa"))


def train_command(root: Path, models_dir: Path) -> list[str]:
    return [
        rasa_executable(),
        "train",
        "--config",
        str(root / "config.yml"),
        "--domain",
        str(root / "domain.yml"),
        "--data",
        *(str(root / d) for d in TRAINING_DIRS),
        "--out",
        str(models_dir),
        "--fixed-model-name",
        model_path(root, models_dir).name.removesuffix(".tar.gz"),
    ]


def ensure_statement_classifier() -> None:
    """Train and cache the statement-kind weights if the labelled statements changed."""
    from bot.mediation.semantics import default_semantics
    from bot.mediation.statement_kind import KindClassifier
    from bot.settings import CACHE_DIR, NLU_DIR

    KindClassifier.load_or_train(default_semantics(), NLU_DIR, CACHE_DIR)


def ensure_model(
    root: Path, models_dir: Path, force: bool = False, env: dict | None = None
) -> Path:
    """Return the model for the current inputs, training it first if it is missing.

    The statement-kind classifier's weights (bot/mediation/statement_kind.py) are made
    here too, so that an action server never spends its start-up training them."""
    path = model_path(root, models_dir)
    ensure_statement_classifier()
    if path.exists() and not force:
        print(
            f"Model is up to date: {path.relative_to(root) if path.is_relative_to(root) else path}"
        )
        return path
    print("Training a model (config, domain or training data changed since the last one)...")
    models_dir.mkdir(parents=True, exist_ok=True)
    subprocess.run(train_command(root, models_dir), cwd=root, env=env, check=True)
    if not path.exists():
        raise RuntimeError(f"rasa train finished but {path} was not written")
    return path
