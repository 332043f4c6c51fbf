#!/usr/bin/env bash
# Installs the real services some tests start (PostgreSQL, Chromium) from Debian's packages when they
# are missing. As root (CI) it installs them with apt-get; otherwise it says how, and those tests skip
# saying the same. With CI=true a missing service is an error: CI must run those tests, not skip them.
set -u

missing=()
ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || missing+=(postgresql)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing ${missing[*]} from Debian's packages (needed by the PostgreSQL-ledger and browser tests)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq || true
    if apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; then
        exit 0
    fi
    echo "apt-get could not install ${missing[*]}" >&2
else
    echo "Not installed: ${missing[*]}. The tests that need them will skip." >&2
    echo "To run them: sudo apt-get install ${missing[*]}  (make test does this itself when run as root)" >&2
fi
[ "${CI:-}" = "true" ] && { echo "CI=true: these services are required" >&2; exit 1; }
exit 0
