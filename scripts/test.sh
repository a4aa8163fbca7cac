#!/usr/bin/env bash
# Set up baomi with its test dependencies, type-check it and run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh test
.venv/bin/python -m mypy  # type-check scanner, reports, recognizers ([tool.mypy] in pyproject.toml)
exec .venv/bin/python -m pytest "$@"
