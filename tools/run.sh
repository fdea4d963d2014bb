#!/usr/bin/env bash
# Entry point for a fresh machine with only Node 20 and npm: installs pnpm and the workspace on first use
# (and whenever the lockfile changed), then runs `test` (every check) or any CLI command (`study`, `fit`, ...).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

PNPM_VERSION=12.21.0
if ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm --version 2>/dev/null)" != "$PNPM_VERSION" ]; then
  echo "scalewise: installing pnpm $PNPM_VERSION from the npm registry" >&2
  npm install --global --silent "pnpm@$PNPM_VERSION" >&2 || {
    # No permission for a global install: keep a private copy instead.
    npm install --silent --prefix .cache/pnpm "pnpm@$PNPM_VERSION" >&2
    export PATH="$PWD/.cache/pnpm/node_modules/.bin:$PATH"
  }
fi

stamp=node_modules/.scalewise-lock-stamp
if [ ! -f "$stamp" ] || ! cmp -s pnpm-lock.yaml "$stamp"; then
  echo "scalewise: installing workspace dependencies (pnpm install --frozen-lockfile)" >&2
  pnpm install --frozen-lockfile >&2
  cp pnpm-lock.yaml "$stamp"
fi

# The report's browser test needs Chromium: CHROMIUM_PATH, else `chromium` or `chromium-browser` on PATH.
find_chromium() {
  if [ -n "${CHROMIUM_PATH:-}" ]; then
    if [ -x "$CHROMIUM_PATH" ]; then echo "$CHROMIUM_PATH"; fi
    return 0
  fi
  command -v chromium 2>/dev/null || command -v chromium-browser 2>/dev/null || true
}

BROWSER_HELP="${CHROMIUM_PATH:+CHROMIUM_PATH=$CHROMIUM_PATH is not an executable; }install Debian's package (apt-get install chromium; Ubuntu: chromium-browser) or set CHROMIUM_PATH to a Chromium or Chrome binary"

if [ "${1:-}" = "test" ]; then
  shift
  chromium_path=$(find_chromium)
  # Installed only where that needs no prompt (root with apt-get); SCALEWISE_NO_BROWSER_INSTALL=1 opts out.
  if [ -z "$chromium_path" ] && [ -z "${CHROMIUM_PATH:-}" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 \
    && [ "${SCALEWISE_NO_BROWSER_INSTALL:-}" != 1 ]; then
    echo "scalewise: Chromium not found; installing Debian's chromium for the report's browser test (apt-get)" >&2
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
      || echo "scalewise: installing chromium with apt-get failed" >&2
    chromium_path=$(find_chromium)
  fi
  if [ -n "$chromium_path" ]; then
    export CHROMIUM_PATH="$chromium_path"
  elif [ "${CI:-}" = true ]; then
    echo "scalewise: no Chromium found (CI=true: the report's browser test will FAIL); $BROWSER_HELP" >&2
  else
    echo "scalewise: no Chromium found: the report's browser test will NOT run; $BROWSER_HELP" >&2
  fi
  # The queue tests start their own redis-server (Debian package redis-server) on a free loopback port.
  # Installed like Chromium (root with apt-get); SCALEWISE_NO_REDIS_INSTALL=1 opts out.
  REDIS_HELP="install Debian's package: apt-get install redis-server (the tests start their own server; none needs to run)"
  if ! command -v redis-server >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 \
    && [ "${SCALEWISE_NO_REDIS_INSTALL:-}" != 1 ]; then
    echo "scalewise: redis-server not found; installing Debian's redis-server for the queue tests (apt-get)" >&2
    if (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null); then
      # The package starts a system service; the tests start their own, so stop the one just installed.
      (service redis-server stop || systemctl stop redis-server) >/dev/null 2>&1 || true
    else
      echo "scalewise: installing redis-server with apt-get failed" >&2
    fi
  fi
  if ! command -v redis-server >/dev/null 2>&1; then
    if [ "${CI:-}" = true ]; then
      echo "scalewise: no redis-server found (CI=true: the queue tests will FAIL); $REDIS_HELP" >&2
    else
      echo "scalewise: no redis-server found: the queue tests will NOT run; $REDIS_HELP" >&2
    fi
  fi
  status=0
  pnpm --silent test "$@" || status=$?
  # Repeated after the long test output so that it is not missed.
  [ -n "$chromium_path" ] || echo "scalewise: the report's browser test did not run (no Chromium); $BROWSER_HELP" >&2
  command -v redis-server >/dev/null 2>&1 || echo "scalewise: the queue tests did not run (no redis-server); $REDIS_HELP" >&2
  exit "$status"
fi
exec pnpm --silent scalewise "$@"
