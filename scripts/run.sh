#!/usr/bin/env bash
# Install (if needed) and start Aurora Time. Arguments go to `aurora`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
exec .venv/bin/aurora "$@"
