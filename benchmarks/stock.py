"""The yardstick for speed: stock Rasa's `rasa init` assistant, run beside Concordia.

Trained once into var/bench/reference (kept for later runs) and served with the same
environment as Concordia's Rasa server (`Settings.rasa_server_env`: one TensorFlow
thread per operation), so a comparison differs only in the assistant. What the stock
assistant is sent is typed text, as for Concordia: its own moodbot dialogue, in
words a user would type rather than its training lines verbatim.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from bot.ops.rasa_model import rasa_executable
from bot.ops.runner import ProcessSpec, free_port
from bot.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
REFERENCE_DIR = ROOT / "var" / "bench" / "reference"

# One moodbot conversation, typed: greet, mood, answer, goodbye. None of these lines is
# in the moodbot's nlu.yml as written.
MOODBOT_TYPED = [
    ["hi there", "I feel really down today", "yes it did, thanks", "see you later"],
    ["good evening", "pretty miserable to be honest", "no, not really", "bye for now"],
    ["hey hey", "I am in a great mood today", "goodbye then"],
    ["morning!", "feeling a bit sad", "yes, that helped", "talk to you later"],
]


def reference_model() -> Path:
    """Stock `rasa init` (its default config), trained once and kept."""
    models = sorted((REFERENCE_DIR / "models").glob("*.tar.gz"))
    if models:
        return models[-1]
    if REFERENCE_DIR.exists():
        shutil.rmtree(REFERENCE_DIR)
    REFERENCE_DIR.mkdir(parents=True)  # `rasa init --init-dir` wants it to exist
    print("Training the stock `rasa init` reference (once)...", file=sys.stderr)
    subprocess.run(
        [rasa_executable(), "init", "--no-prompt", "--init-dir", str(REFERENCE_DIR)],
        check=True,
        cwd=REFERENCE_DIR.parent,
        stdout=subprocess.DEVNULL,
        env={**os.environ, "RASA_TELEMETRY_ENABLED": "false"},
    )
    return sorted((REFERENCE_DIR / "models").glob("*.tar.gz"))[-1]


def stock_spec(settings: Settings) -> tuple[ProcessSpec, str]:
    """The stock server's process (same environment as Concordia's Rasa server) and its
    REST webhook."""
    port = free_port()
    spec = ProcessSpec(
        "stock Rasa",
        [
            rasa_executable(),
            "run",
            "--model",
            str(reference_model()),
            "--interface",
            "127.0.0.1",
            "--port",
            str(port),
            "--credentials",
            str(REFERENCE_DIR / "credentials.yml"),
            "--endpoints",
            str(REFERENCE_DIR / "endpoints.yml"),
        ],
        f"http://127.0.0.1:{port}/webhooks/rest/",
        {**settings.rasa_server_env(), "RASA_TELEMETRY_ENABLED": "false"},
    )
    return spec, f"http://127.0.0.1:{port}/webhooks/rest/webhook"


def peak_rss_mb(groups: list[int]) -> float:
    """Sum of the peak resident memory (VmHWM) of the processes in these process groups."""
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            if int(stat[2]) not in groups:  # field 5: process group
                continue
            for line in (entry / "status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    total += int(line.split()[1])
        except (OSError, IndexError, ValueError):
            continue
    return total / 1024


def commit() -> str:
    """The commit measured, marked when its code differs from the work tree (changed
    Markdown, such as RESULTS.md being written, does not count)."""
    head = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    changed = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    ).stdout.splitlines()
    dirty = [line for line in changed if not line.rstrip().endswith(".md")]
    return f"{head}+changes" if dirty else head
