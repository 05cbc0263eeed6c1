#!/usr/bin/env bash
# A sendmail stand-in for development: `dev-sendmail.sh -i -f SENDER -- RECIPIENT` stores the
# message from stdin as $BOOKING_MAIL_DIR/<time>-<recipient>.eml instead of sending it.
# Production uses the system's sendmail (e.g. Debian's msmtp-mta); see README.
set -euo pipefail
dir=${BOOKING_MAIL_DIR:?BOOKING_MAIL_DIR is not set}
recipient=""
while [ $# -gt 0 ]; do
    case "$1" in
        -i) shift ;;
        -f) shift 2 ;;
        --) recipient=${2:-}; break ;;
        *) echo "dev-sendmail: unexpected argument $1" >&2; exit 64 ;;
    esac
done
[[ "$recipient" =~ ^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+$ ]] || { echo "dev-sendmail: bad recipient" >&2; exit 64; }
# No date or mkdir processes per message: a big sale sends many mails.
[ -d "$dir" ] || mkdir -p "$dir"
cat > "$dir/${EPOCHREALTIME/./}-$$-$recipient.eml"
