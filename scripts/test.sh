#!/usr/bin/env bash
# Install (if needed) and run the whole test suite headless. Exits 0 only when
# everything ran and passed (pytest's "no tests collected" counts as failure).
#   bash scripts/test.sh              the web app (build + its unit tests), the gates
#                                     (scripts/gates.sh), then pytest
#   bash scripts/test.sh tests/core   pytest with these arguments only (the web steps
#                                     run too when AURORA_CI is set, as in .ci/run, or
#                                     when an argument names web, e.g. tests/web)
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh --test || exit 1
export QT_QPA_PLATFORM=offscreen
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_DEFAULT_REGION=eu-west-1
export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-$(mktemp -d)}
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1  # the browser tests use /usr/bin/chromium

# The web app: build web/dist (the local stack serves it at /app/, the browser tests
# open it there) and run its unit tests. Only when the checkout has one.
web_failed=""
if [[ -f web/package.json && ( $# -eq 0 || -n "${AURORA_CI:-}" || " $* " == *web* ) ]]; then
  if ! bash scripts/build_web.sh; then
    web_failed="the web app's build"
  elif ! (cd web && npm test --silent); then
    web_failed="the web app's unit tests (cd web && npm test)"
  fi
fi

# The static gates (scripts/gates.sh: ruff, mypy --strict, import contracts, vulture),
# before pytest in whole-suite runs and CI; pytest still runs when one fails.
gates_failed=""
if [[ $# -eq 0 || -n "${AURORA_CI:-}" ]]; then
  bash scripts/gates.sh || gates_failed=1
fi

.venv/bin/python -m pytest -p no:cacheprovider "$@"
rc=$?
if [[ $rc -eq 5 ]]; then echo "test.sh: pytest collected no tests" >&2; rc=1; fi
if [[ -n $gates_failed ]]; then echo "test.sh: the gates failed (bash scripts/gates.sh)" >&2; rc=1; fi
if [[ -n $web_failed ]]; then echo "test.sh: $web_failed failed (see above)" >&2; exit 1; fi
exit $rc
