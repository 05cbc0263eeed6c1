#!/usr/bin/env bash
# Installs what building, running and testing need on Debian 12, skipping what is there.
#   scripts/install-deps.sh          # run: nginx, nchan, the C libraries
#   scripts/install-deps.sh --test   # plus the test tools (Python packages, chromium, ...)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
packages=(nginx libnginx-mod-nchan libfcgi-dev libsqlite3-dev libargon2-dev libqrencode-dev zlib1g-dev tzdata curl python3 sqlite3)
if [ "${1:-}" = "--test" ]; then
    packages+=(python3-pip msmtp wrk systemd chromium chromium-driver)
    command -v node >/dev/null || packages+=(nodejs)
fi
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
    echo "installing: ${missing[*]}"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# Debian starts nginx on port 80 when it is installed; this project runs its own instance.
if [ ${#missing[@]} -gt 0 ] && command -v systemctl >/dev/null && systemctl is-active -q nginx 2>/dev/null; then
    echo "note: Debian's own nginx service is running; this project starts its own instance on \$PORT"
fi
if [ "${1:-}" = "--test" ]; then
    python3 -c 'import pytest, requests, aiosmtpd, selenium, schemathesis, openapi_spec_validator' 2>/dev/null || python3 -m pip install -q \
        -r "$root/Tests/Integration/requirements-fuzz.txt" -r "$root/Tests/Browser/requirements.txt"
fi
