"""Which trained model belongs to the current config, domain, training data and code.

The model file is named after a fingerprint of everything `rasa train` reads, so
"is the model stale?" is a file lookup: when nothing changed the existing model
is used; when anything changed a new one is trained. That includes the code of the
project's own pipeline components (`components.*` in config.yml, and the encoder
module they call) and the sentence encoder's files: a changed featurizer or
encoder changes what the model learnt from.

Rasa's own cache (`.rasa/cache`) keys a component's output by its config and
inputs, not by its code, so it would hand a changed featurizer's old output to
DIET. The cache therefore lives in a directory named after the code fingerprint
(`.rasa/cache-<code>`): the data can change and still reuse it; the code cannot.
"""

from __future__ import annotations

import hashlib
import os
import re
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


# Project code a pipeline component runs besides its own module.
COMPONENT_CODE = ("bot/mediation/encoder.py",)


def code_inputs(root: Path) -> list[tuple[str, Path]]:
    """(name, file) of the code and weights the trained model depends on: the modules of
    the `components.*` entries in config.yml, the encoder module, the encoder's files."""
    from bot.mediation.encoder import model_dir

    config = (root / "config.yml").read_text(encoding="utf-8")
    modules = sorted(set(re.findall(r"name:\s*components\.(\w+)\.", config)))
    files = [(f"components/{m}.py", root / "components" / f"{m}.py") for m in modules]
    files += [(name, root / name) for name in COMPONENT_CODE]
    encoder = model_dir()
    if encoder.is_dir():
        files += [(f"encoder/{p.name}", p) for p in sorted(encoder.iterdir()) if p.is_file()]
    return files


def _digest(named_files: list[tuple[str, Path]]) -> str:
    digest = hashlib.sha256()
    for name, path in named_files:
        digest.update(name.encode())
        digest.update(b"\0")
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        digest.update(b"\0")
    return digest.hexdigest()[:16]


def code_fingerprint(root: Path) -> str:
    return _digest(code_inputs(root))


def fingerprint(root: Path) -> str:
    data = [(str(p.relative_to(root)), p) for p in training_inputs(root)]
    return _digest(data + code_inputs(root))


def rasa_cache_dir(root: Path) -> Path:
    """Rasa's training cache for the current code (see the module docstring)."""
    return root / ".rasa" / f"cache-{code_fingerprint(root)}"


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
    print(
        "Training a model (config, domain, training data or NLU code changed since the last one)..."
    )
    models_dir.mkdir(parents=True, exist_ok=True)
    env = {
        **(os.environ if env is None else env),
        "RASA_CACHE_DIRECTORY": str(rasa_cache_dir(root)),
    }
    subprocess.run(train_command(root, models_dir), cwd=root, env=env, check=True)
    if not path.exists():
        raise RuntimeError(f"rasa train finished but {path} was not written")
    return path
