#!/usr/bin/env bash
# Dependency audit of the pins in requirements.lock, judged against SECURITY.md.
# pip-audit runs from its own virtualenv (var/audit-venv), so its dependencies never
# touch the project's .venv. With AUDIT_ADVISORIES=<folder of OSV advisories> the pins
# are matched offline instead (for networks that reach PyPI's index but not its JSON API
# or OSV). See SECURITY.md.
set -euo pipefail
cd "$(dirname "$0")/.."

PIP_AUDIT_VERSION=2.10.1
if [ -n "${AUDIT_ADVISORIES:-}" ]; then
  exec .venv/bin/python scripts/audit_report.py --advisories "$AUDIT_ADVISORIES"
fi

if [ ! -x var/audit-venv/bin/pip-audit ] ||
   ! var/audit-venv/bin/pip-audit --version 2>/dev/null | grep -q "$PIP_AUDIT_VERSION"; then
  echo "Installing pip-audit $PIP_AUDIT_VERSION into var/audit-venv..."
  rm -rf var/audit-venv
  .venv/bin/python -m venv var/audit-venv
  var/audit-venv/bin/python -m pip install --quiet "pip-audit==$PIP_AUDIT_VERSION"
fi

report=$(mktemp)
trap 'rm -f "$report"' EXIT
# The lock pins every package, so no resolution is needed (--no-deps --disable-pip).
# pip-audit exits 1 when it finds something; the verdict is audit_report.py's.
var/audit-venv/bin/pip-audit -r requirements.lock --no-deps --disable-pip \
  --progress-spinner off --format json --output "$report" 2>/dev/null || true
.venv/bin/python scripts/audit_report.py --report "$report"
