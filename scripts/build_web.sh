#!/usr/bin/env bash
# Build the web app (web/ -> web/dist/) with the project's own locked packages:
# npm ci from web/package-lock.json, then the app's build script. Nothing is fetched
# at run time: web/dist is all the browser gets (the local stack serves it at /app/;
# docs/deploy.md uploads it to the web bucket).
#   bash scripts/build_web.sh
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "build_web: node and npm are needed: install Node.js 20 or newer (with npm) first" >&2
  exit 1
fi
major=$(node -p 'process.versions.node.split(".")[0]')
if ((major < 20)); then
  echo "build_web: Node.js 20 or newer is needed (this is $(node --version))" >&2
  exit 1
fi
if [[ ! -f web/package.json ]]; then
  echo "build_web: web/package.json not found: this checkout has no web app" >&2
  exit 1
fi
cd web
# Skip the install when node_modules already matches the lockfile (npm ci would delete
# and reinstall it every time); --prefer-offline uses npm's cache before the registry.
stamp=node_modules/.aurora-lock
if [[ ! -f $stamp ]] || ! cmp -s package-lock.json "$stamp"; then
  npm ci --no-audit --no-fund --prefer-offline --loglevel=error
  cp package-lock.json "$stamp"
fi
npm run --silent build
echo "build_web: built web/dist ($(du -sh dist | cut -f1))"
