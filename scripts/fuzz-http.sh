#!/usr/bin/env bash
# Fuzzes the HTTP surface with schemathesis (from PyPI, into a git-ignored venv under .tools/)
# against a live receiver described by docs/openapi.yaml: no 5xx, every answer as documented.
#   scripts/fuzz-http.sh [--max-examples N]
set -euo pipefail
cd "$(dirname "$0")/.."
SCHEMATHESIS_VERSION=4.32.5
venv=.tools/schemathesis-venv
if ! "$venv/bin/schemathesis" --version 2>/dev/null | grep -q "$SCHEMATHESIS_VERSION"; then
  echo "installing schemathesis $SCHEMATHESIS_VERSION into $venv (once)..."
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet "schemathesis==$SCHEMATHESIS_VERSION"
fi
node scripts/ensure-deps.js
npm run build --silent
exec node dist/test/fuzz/fuzz-http.js --schemathesis "$venv/bin/schemathesis" "$@"
