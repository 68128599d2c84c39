#!/usr/bin/env bash
# Install what Aurora Time needs on a fresh Debian machine with Python 3.11:
# the system libraries Qt loads, then a virtual environment in .venv with the
# project and its extras. Safe to run again; it only adds what is missing.
#   scripts/bootstrap.sh            app + tests + local cloud stack
#   scripts/bootstrap.sh --test     also D-Bus, GNOME Keyring (a real Secret Service
#                                   the account tests sign in with), python3-dbusmock
#                                   (a notification daemon for the reminder tests) and
#                                   Debian's Chromium + ChromeDriver (the web app's browser
#                                   tests drive it with Playwright; no browser is downloaded)
#   scripts/bootstrap.sh --xvfb     also Xvfb, for screenshots of a real window
set -euo pipefail
cd "$(dirname "$0")/.."

# libxcb-cursor0: Qt 6.5+ will not load its X11 (xcb) plugin without it, and the window
# then aborts; small, so every install gets it.
QT_LIBS=(libgl1 libegl1 libfontconfig1 libxkbcommon0 libglib2.0-0 libdbus-1-3 fonts-dejavu-core
         libxcb-cursor0)
XVFB_LIBS=(xvfb xauth libxkbcommon-x11-0 libxcb-icccm4 libxcb-image0
           libxcb-keysyms1 libxcb-render-util0 libxcb-shape0 libxcb-xkb1)
TEST_LIBS=(dbus gnome-keyring python3-dbusmock  # python3-dbusmock: a notification daemon
           chromium chromium-driver)  # /usr/bin/chromium for Playwright (executable_path)
want=("${QT_LIBS[@]}")
[[ "${1:-}" == "--xvfb" || -n "${DISPLAY:-}" || -n "${WAYLAND_DISPLAY:-}" ]] && want+=("${XVFB_LIBS[@]}")
[[ "${1:-}" == "--test" ]] && want+=("${TEST_LIBS[@]}")

missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  if [[ $(id -u) -eq 0 ]]; then sudo=""; elif command -v sudo >/dev/null; then sudo="sudo"; else
    echo "bootstrap: please install these Debian packages first: ${missing[*]}" >&2; exit 1; fi
  echo "bootstrap: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Playwright (a test extra) drives the system Chromium above; never fetch its own builds.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

PY=${PYTHON:-python3}
if [[ ! -x .venv/bin/python ]]; then
  "$PY" -m venv .venv || { echo "bootstrap: '$PY -m venv' failed (apt-get install python3-venv)" >&2; exit 1; }
fi
stamp=.venv/.aurora-installed
if [[ ! -f $stamp || pyproject.toml -nt $stamp ]]; then
  echo "bootstrap: installing Python packages into .venv"
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e ".[cloud,test]"
  touch "$stamp"
fi
