#!/usr/bin/env bash
# Static gates, so the code keeps its shape; they run before pytest in CI
# (scripts/test.sh) and on their own: `bash scripts/gates.sh`.
#   ruff         lint and import order, the whole checkout
#   mypy         --strict on the three packages
#   lint-imports the import contracts in pyproject.toml [tool.importlinter]
#   vulture      dead code in the three packages (confidence >= 80)
# Runs every gate, then exits 1 naming each one that failed.
set -uo pipefail
cd "$(dirname "$0")/.."
bin=.venv/bin
failed=()

gate() {
  local name=$1; shift
  local start=$SECONDS out
  if out=$("$@" 2>&1); then
    echo "gates: $name passed ($((SECONDS - start)) s)"
  else
    printf '%s\n' "$out" >&2  # the tool's own report, only when it failed
    echo "gates: $name FAILED ($((SECONDS - start)) s)" >&2
    failed+=("$name")
  fi
}

gate "ruff" "$bin/ruff" check --quiet .
gate "mypy --strict" "$bin/mypy" --strict aurora_core aurora_desktop aurora_cloud
gate "import contracts (lint-imports)" "$bin/lint-imports" --no-cache
gate "dead code (vulture)" "$bin/vulture" aurora_core aurora_desktop aurora_cloud --min-confidence 80

if (( ${#failed[@]} )); then
  printf 'gates: FAILED: %s\n' "$(IFS=,; echo "${failed[*]}" | sed 's/,/, /g')" >&2
  exit 1
fi
echo "gates: all passed"
