#!/usr/bin/env bash
# Chromium and its driver from Debian's packages, for the browser tests (Playwright
# drives /usr/bin/chromium; it never downloads a browser of its own).
set -euo pipefail
if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "error: the browser tests need Debian's Chromium at /usr/bin/chromium." >&2
  echo "Fix: sudo apt-get install chromium chromium-driver" >&2
  exit 1
fi
echo "Installing chromium and chromium-driver from Debian's packages..."
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
