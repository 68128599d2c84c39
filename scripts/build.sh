#!/usr/bin/env bash
# Build the one-folder desktop bundle with PyInstaller: dist/aurora-time/aurora-time
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
.venv/bin/python -m pip install -q -e ".[build]"
.venv/bin/pyinstaller build_spec.spec --noconfirm
echo "built dist/aurora-time/ (the target machine needs libgl1 and libegl1)"
