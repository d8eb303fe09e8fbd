"""Training time and memory: a full `rasa train`, a retrain after a training-data-only
change, and a retrain with nothing changed.

Run: .venv/bin/python benchmarks/training_time.py [--write]

Works on a copy of the training inputs in a temporary folder, with its own Rasa
cache, so the project's models and cache are untouched. Each step reports wall
time, the peak resident memory of the `rasa train` process, and which components
Rasa trained versus restored from its cache (its fingerprinting at work).
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from bench_results import publish
from tqdm import tqdm

from bot.mediation.encoder import ENCODER_DIR_VARIABLE
from bot.mediation.encoder import model_dir as encoder_dir
from bot.ops.rasa_model import TRAINING_DIRS, rasa_executable

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
BEGIN, END = "<!-- training-time:begin -->", "<!-- training-time:end -->"
TRAINED = re.compile(r"Starting to train component '([^']+)'")
RESTORED = re.compile(r"Restored component '([^']+)'")
# A new example for an existing intent: a training-data-only change.
NEW_EXAMPLE = "    - our fishermen need the bay to stay open in winter (benchmark line)\n"


@dataclass(frozen=True)
class Step:
    name: str
    seconds: float
    peak_mb: float
    trained: list[str]
    restored: list[str]


def train(workdir: Path, name: str, model_name: str) -> Step:
    command = [
        rasa_executable(),
        "train",
        "--config",
        "config.yml",
        "--domain",
        "domain.yml",
        "--data",
        *TRAINING_DIRS,
        "--out",
        "models",
        "--fixed-model-name",
        model_name,
    ]
    env = {
        **os.environ,
        "RASA_TELEMETRY_ENABLED": "false",
        "TF_CPP_MIN_LOG_LEVEL": "2",
        # the copied components/ would look for the encoder beside the copy
        ENCODER_DIR_VARIABLE: str(encoder_dir()),
    }
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    result = subprocess.run(
        command, cwd=workdir, env=env, capture_output=True, text=True, check=False
    )
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        sys.stderr.write(result.stdout[-3000:] + result.stderr[-3000:])
        raise SystemExit(f"rasa train failed in step {name!r}")
    # ru_maxrss of children is the largest child so far (KiB on Linux).
    peak = max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024
    log = result.stdout + result.stderr
    return Step(name, seconds, peak, TRAINED.findall(log), RESTORED.findall(log))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="update benchmarks/RESULTS.md")
    args = parser.parse_args()
    steps: list[Step] = []
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        for name in ("config.yml", "domain.yml"):
            shutil.copy(ROOT / name, work / name)
        for folder in (*TRAINING_DIRS, "components"):
            shutil.copytree(ROOT / folder, work / folder)
        plan = [
            ("full training, empty cache", "full"),
            ("one NLU example added", "nlu-change"),
            ("nothing changed", "unchanged"),
        ]
        for index, (name, model) in enumerate(tqdm(plan, desc="training runs", file=sys.stderr)):
            if index == 1:
                statements = work / "data" / "nlu" / "statements.yml"
                text = statements.read_text(encoding="utf-8")
                head = "- intent: state_interest\n  examples: |\n"
                statements.write_text(text.replace(head, head + NEW_EXAMPLE, 1), encoding="utf-8")
            steps.append(train(work, name, model))
    lines = [
        BEGIN,
        f"### Training time ({date.today().isoformat()}, {platform.machine()}, "
        f"{os.cpu_count()} cores)",
        "",
        "`rasa train` on a copy of config, domain and `data/{nlu,rules,stories}`, with its own "
        "cache. Target: a full training under 3 minutes. Peak memory is the largest "
        "`rasa train` process so far (the OS reports one maximum over all of them).",
        "",
        "| step | wall time | peak memory (largest run so far) | components trained | "
        "restored from cache |",
        "|---|---|---|---|---|",
    ]
    for step in steps:
        lines.append(
            f"| {step.name} | {step.seconds:.0f} s | {step.peak_mb:.0f} MB | "
            f"{', '.join(step.trained) or 'none'} | {len(step.restored)} |"
        )
    lines.append(END)
    section = "\n".join(lines)
    publish(RESULTS, BEGIN, END, section, args.write)
    return 0


if __name__ == "__main__":
    sys.exit(main())
