#!/usr/bin/env bash
# Renders deploy/nginx.conf to stdout, filling its placeholders from the environment.
# The defaults below are the production ones; `make run`, the tests and the benchmark
# override them explicitly.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

LISTEN=${LISTEN:-80}
PUBLIC_DIR=${PUBLIC_DIR:-/usr/share/booking/public}
SHARE_DIR=$(dirname "$PUBLIC_DIR")  # where deploy/install-public.sh keeps each version (public-HASH)
FCGI_SOCKET=${FCGI_SOCKET:-/run/booking/fcgi.sock}
NCHAN_SOCKET=${NCHAN_SOCKET:-/run/booking-live/nchan.sock}  # nchan's publisher; BOOKING_NCHAN_SOCKET for the workers
AUTH_RATE=${AUTH_RATE:-10r/m}       # login + registration attempts per client address
AUTH_BURST=${AUTH_BURST:-10}
WRITE_RATE=${WRITE_RATE:-10r/s}     # holds, bookings and other writes per client address
WRITE_BURST=${WRITE_BURST:-20}
JOIN_RATE=${JOIN_RATE:-2r/s}        # joins of on-sale queues per client address
JOIN_BURST=${JOIN_BURST:-20}
QUEUE_MARKERS=${QUEUE_MARKERS:-/run/booking-queues}  # the notifier's markers of queues in force; BOOKING_QUEUE_MARKERS for it
CLIENT_TIMEOUT=${CLIENT_TIMEOUT:-15s}  # a client that stalls its headers or body this long is cut off
TRUSTED_PROXIES=${TRUSTED_PROXIES:-}  # space-separated addresses/CIDRs allowed to set X-Forwarded-For

real_ip="    # (no trusted proxies: the peer address is the client)"
if [ -n "$TRUSTED_PROXIES" ]; then
    real_ip="    real_ip_header X-Forwarded-For;
    real_ip_recursive on;"
    for proxy in $TRUSTED_PROXIES; do
        [[ "$proxy" =~ ^[0-9a-fA-F:./]+$ ]] || { echo "bad TRUSTED_PROXIES entry: $proxy" >&2; exit 2; }
        real_ip+=$'\n'"    set_real_ip_from $proxy;"
    done
fi
for value in "$LISTEN" "$PUBLIC_DIR" "$SHARE_DIR" "$FCGI_SOCKET" "$NCHAN_SOCKET" "$AUTH_RATE" "$AUTH_BURST" "$WRITE_RATE" "$WRITE_BURST" "$JOIN_RATE" "$JOIN_BURST" "$QUEUE_MARKERS" "$CLIENT_TIMEOUT"; do
    [[ "$value" =~ ^[A-Za-z0-9_./:-]+$ ]] || { echo "unsafe nginx setting: $value" >&2; exit 2; }
done

python3 - "$here/nginx.conf" <<PY
import sys
text = open(sys.argv[1]).read()
values = {
    "LISTEN": "$LISTEN", "PUBLIC_DIR": "$PUBLIC_DIR", "SHARE_DIR": "$SHARE_DIR", "FCGI_SOCKET": "$FCGI_SOCKET", "NCHAN_SOCKET": "$NCHAN_SOCKET",
    "AUTH_RATE": "$AUTH_RATE", "AUTH_BURST": "$AUTH_BURST",
    "WRITE_RATE": "$WRITE_RATE", "WRITE_BURST": "$WRITE_BURST", "JOIN_RATE": "$JOIN_RATE", "JOIN_BURST": "$JOIN_BURST", "QUEUE_MARKERS": "$QUEUE_MARKERS",
    "CLIENT_TIMEOUT": "$CLIENT_TIMEOUT",
    "REAL_IP": """$real_ip""",
}
for key, value in values.items():
    text = text.replace("@" + key + "@", value)
assert "@" not in "".join(l for l in text.splitlines() if not l.lstrip().startswith("#")), "unfilled placeholder"
sys.stdout.write(text)
PY
