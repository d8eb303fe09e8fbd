#!/usr/bin/env bash
# Dependency audit of the pins in requirements.lock (plus the pip, setuptools and wheel
# pins that setup-env.sh installs), judged against SECURITY.md's "Audit findings" table.
#
# pip-audit runs from its own virtualenv (var/audit-venv, git-ignored), built from a
# pinned pip-audit with any Python >= 3.10, so neither it nor its dependencies touch
# .venv or requirements.lock, and a fresh clone needs no `make install` for it.
#
#   make audit                               pip-audit's default service: PyPI's JSON API
#   make audit AUDIT_SERVICE=osv             OSV (api.osv.dev), or AUDIT_OSV_URL=<mirror>
#   make audit AUDIT_ADVISORIES=/path/vulns  offline: the pins against OSV advisory files
#
# Exit 0: every finding is listed in SECURITY.md. Exit 1: a finding is not listed (named,
# with the package and what to do). Exit 2: nothing could be checked. See SECURITY.md.
set -euo pipefail
cd "$(dirname "$0")/.."

PIP_AUDIT_VERSION=2.10.1
PYYAML_VERSION=6.0.4 # only for AUDIT_ADVISORIES with YAML files (pypa/advisory-database)
VENV=var/audit-venv
SERVICE=${AUDIT_SERVICE:-pypi}

find_python() {
  local candidate
  for candidate in "${PYTHON:-}" python3 python3.12 python3.11 python3.10 .venv/bin/python; do
    [ -n "$candidate" ] || continue
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 10))' 2>/dev/null; then
      command -v "$candidate"
      return 0
    fi
  done
  return 1
}

wanted="pip-audit==$PIP_AUDIT_VERSION PyYAML==$PYYAML_VERSION"
if [ ! -x "$VENV/bin/pip-audit" ] || [ "$(cat "$VENV/.pins" 2>/dev/null)" != "$wanted" ]; then
  if ! PY=$(find_python); then
    echo "audit: pip-audit $PIP_AUDIT_VERSION needs Python 3.10 or newer; none was found." >&2
    echo "Fix: install one, or point PYTHON at it: make audit PYTHON=/path/to/python3" >&2
    exit 2
  fi
  echo "Installing pip-audit $PIP_AUDIT_VERSION into $VENV (with $PY)..."
  rm -rf "$VENV"
  "$PY" -m venv "$VENV"
  # shellcheck disable=SC2086 # $wanted is two requirement words
  if ! "$VENV/bin/python" -m pip install --quiet $wanted >"$VENV/install.log" 2>&1; then
    cat "$VENV/install.log" >&2
    echo "audit: could not install pip-audit $PIP_AUDIT_VERSION from PyPI (see above)." >&2
    rm -rf "$VENV"
    exit 2
  fi
  echo "$wanted" >"$VENV/.pins"
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$VENV/bin/python" scripts/audit_report.py --write-requirements "$work/audited.txt"

if [ -n "${AUDIT_ADVISORIES:-}" ]; then
  echo "Matching $(wc -l <"$work/audited.txt") pins against the advisories in $AUDIT_ADVISORIES..."
  status=0
  "$VENV/bin/python" scripts/audit_report.py --advisories "$AUDIT_ADVISORIES" || status=$?
  exit "$status"
fi

osv_url=()
if [ -n "${AUDIT_OSV_URL:-}" ]; then
  osv_url=(--osv-url "$AUDIT_OSV_URL")
fi
echo "pip-audit $PIP_AUDIT_VERSION, service '$SERVICE': $(wc -l <"$work/audited.txt") pins..."
# Every package is pinned, so nothing is resolved (--no-deps --disable-pip). pip-audit's
# own exit code is not the verdict: it exits 0 when it could check nothing at all.
# Ignored ids (--ignore-vuln) are not used either: the full report is needed to warn
# about SECURITY.md rows that no longer apply. audit_report.py judges the report.
if ! "$VENV/bin/pip-audit" -r "$work/audited.txt" --no-deps --disable-pip \
     --vulnerability-service "$SERVICE" "${osv_url[@]}" --progress-spinner off \
     --format json --output "$work/report.json" 2>"$work/errors.txt"; then
  if [ ! -s "$work/report.json" ]; then
    echo "audit: pip-audit failed; the end of its output:" >&2
    grep -v '^WARNING:pip_audit' "$work/errors.txt" | tail -n 1 >&2 || true
  fi
fi
"$VENV/bin/python" scripts/audit_report.py --report "$work/report.json"
