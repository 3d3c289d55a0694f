#!/usr/bin/env bash
# One entry point for a fresh machine: creates .venv, installs the project, then runs a job.
#   ./dev.sh demo [SCENARIO]   solve a scenario (default: service-centre) and show the roster
#   ./dev.sh test [PYTEST ARGS] run the whole test suite
#   ./dev.sh setup             only set up the virtual environment
set -euo pipefail
cd "$(dirname "$0")"

pick_python() {
  for py in python3.13 python3.12 python3.11 python3; do
    if command -v "$py" >/dev/null 2>&1 &&
       "$py" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null; then
      echo "$py"; return 0
    fi
  done
  echo "error: Python 3.11 or newer is needed (python3 --version says $(python3 --version 2>&1))" >&2
  return 1
}

setup() {
  local stamp=.venv/.installed
  if [ ! -x .venv/bin/python ]; then
    "$(pick_python)" -m venv .venv
  fi
  # Reinstall only when the dependency list changed since the last install.
  if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
    .venv/bin/python -m pip install --quiet --upgrade pip >/dev/null
    .venv/bin/python -m pip install --quiet -e ".[api,dev]"
    touch "$stamp"
  fi
}

# The browser tests drive Debian's Chromium; install it when missing and we may (root + apt-get).
# Without it those tests skip and say why.
browser() {
  if command -v chromium >/dev/null 2>&1; then return 0; fi
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "dev.sh: installing chromium and chromium-driver for the browser tests" >&2
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver; } \
      >/dev/null 2>&1 || echo "dev.sh: could not install chromium; the browser tests will skip" >&2
  else
    echo "dev.sh: no chromium (and not root to install it); the browser tests will skip" >&2
  fi
}

cmd=${1:-demo}
shift || true
case "$cmd" in
  setup) setup ;;
  demo)  setup; exec .venv/bin/roster solve "${1:-service-centre}" "${@:2}" ;;
  test)  setup; browser; exec .venv/bin/python -m pytest "$@" ;;
  *) echo "usage: ./dev.sh demo [SCENARIO] | test [PYTEST ARGS] | setup" >&2; exit 2 ;;
esac
