#!/usr/bin/env bash
# Set up baomi and scan the bundled demo share: a small PR-firm shared drive under examples/.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
mkdir -p examples/out
status=0
.venv/bin/baomi scan examples/share --config examples/baomi.toml || status=$?
.venv/bin/baomi scan examples/share --config examples/baomi.toml --format jsonl \
  -o examples/out/findings.jsonl 2>/dev/null || true
echo "JSONL (masked values only): examples/out/findings.jsonl"
# exit code 1 means "client information found", which is what the demo share holds
[ "$status" -le 1 ]
