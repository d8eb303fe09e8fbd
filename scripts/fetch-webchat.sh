#!/usr/bin/env bash
# Fetches the chat widget bundle (rasa-webchat, pinned below) from the npm registry
# once, checks it against the pinned integrity hash, and keeps only its
# self-contained lib/index.js, which the web app serves: no CDN at run time.
set -euo pipefail
cd "$(dirname "$0")/.."

VERSION=1.0.1
INTEGRITY="sha512-Ld1zVJvTAaTrs6A5p8t70agNNrKYRyXlvqXZRgBoDvKKUXbA0jhJKECi5bdPGlaR6jsmqWtVylHS+YqIqo0x8w=="
DEST="bot/web/static/vendor/rasa-webchat-${VERSION}.js"

# The bundle's stylesheet imports a font from Google, which the page's CSP blocks (a
# console error on every load) and which would leak each visit: the import is cut.
FONT_IMPORT='@import url(https://fonts.googleapis.com/css?family=Inter:400,500,700\&display=swap);'
without_font_import() { sed -i "s#${FONT_IMPORT}##g" "$1"; }

if [ -s "$DEST" ]; then
  without_font_import "$DEST"
  exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
  echo "error: npm is needed once to fetch the chat widget (rasa-webchat ${VERSION})." >&2
  echo "Fix: install Node.js and npm (e.g. 'apt-get install nodejs npm'), then re-run make." >&2
  exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack "rasa-webchat@${VERSION}" --silent >/dev/null)
actual="sha512-$(openssl dgst -sha512 -binary "$tmp/rasa-webchat-${VERSION}.tgz" | base64 -w0)"
if [ "$actual" != "$INTEGRITY" ]; then
  echo "error: rasa-webchat-${VERSION}.tgz does not match the pinned integrity hash" >&2
  exit 1
fi
mkdir -p "$(dirname "$DEST")"
tar -xzf "$tmp/rasa-webchat-${VERSION}.tgz" -O package/lib/index.js > "$DEST.tmp"
without_font_import "$DEST.tmp"
mv "$DEST.tmp" "$DEST"
echo "Fetched rasa-webchat ${VERSION} into ${DEST}"
