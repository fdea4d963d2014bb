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

if [ "${1:-}" = "test" ]; then
  shift
  exec pnpm --silent test "$@"
fi
exec pnpm --silent scalewise "$@"
