#!/usr/bin/env bash
# Creates or updates the virtual environment in .venv from requirements.lock.
# Rasa Open Source 3.6 runs on Python 3.8-3.10 only; .python-version pins 3.10.13.
set -euo pipefail
cd "$(dirname "$0")/.."

find_python() {
  local candidate
  for candidate in "${PYTHON:-}" python3.10 "$(command -v pyenv >/dev/null 2>&1 && pyenv prefix 3.10.13 2>/dev/null)/bin/python3.10"; do
    [ -n "$candidate" ] || continue
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))' 2>/dev/null; then
      command -v "$candidate"
      return 0
    fi
  done
  return 1
}

if [ ! -x .venv/bin/python ] || ! .venv/bin/python -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))' 2>/dev/null; then
  if ! PY=$(find_python); then
    echo "error: Python 3.10 was not found. Rasa Open Source 3.6 needs Python 3.8-3.10." >&2
    echo "Fix: install it (for example 'pyenv install 3.10.13'; this repository's .python-version" >&2
    echo "then selects it) or point PYTHON at a 3.10 interpreter: make PYTHON=/path/to/python3.10" >&2
    exit 1
  fi
  echo "Creating .venv with $PY"
  rm -rf .venv
  "$PY" -m venv .venv
fi

.venv/bin/python -m pip install --quiet --upgrade "pip==26.3" "setuptools==70.3.0" "wheel==0.45.1"
echo "Installing pinned dependencies from requirements.lock (first time: about 3 minutes)..."
.venv/bin/python -m pip install --quiet -r requirements.lock
.venv/bin/python -m pip install --quiet --no-deps --no-build-isolation -e .
.venv/bin/python -m pip check
touch .venv/.installed
