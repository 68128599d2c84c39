#!/usr/bin/env bash
# Install (if needed) and start Aurora Time. Arguments go to `aurora`.
# The window needs a display (DISPLAY or WAYLAND_DISPLAY); without one `aurora` says so in
# one line, and the commands work anywhere: bash scripts/run.sh list, … import FILE.ics.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
exec .venv/bin/aurora "$@"
