#!/usr/bin/env bash
# Install (if needed) and run the whole test suite headless. Exits 0 only when
# tests ran and all passed (pytest's "no tests collected" counts as failure).
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh --test || exit 1
export QT_QPA_PLATFORM=offscreen
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_DEFAULT_REGION=eu-west-1
export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-$(mktemp -d)}
.venv/bin/python -m pytest -p no:cacheprovider "$@"
rc=$?
if [[ $rc -eq 5 ]]; then echo "test.sh: pytest collected no tests" >&2; exit 1; fi
exit $rc
