#!/usr/bin/env bash
# nginx from Debian's packages, for the multi-instance set-up (`concordia cluster`)
# and its integration test. Only the binary is used: it runs with a generated
# config on loopback ports, never as the system service.
set -euo pipefail
if command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "error: the cluster set-up needs nginx." >&2
  echo "Fix: sudo apt-get install nginx-light" >&2
  exit 1
fi
echo "Installing nginx-light from Debian's packages..."
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null
# The package starts the system service on port 80; this project does not use it.
(service nginx stop || nginx -s quit) >/dev/null 2>&1 || true
