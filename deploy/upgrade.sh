#!/usr/bin/env bash
# Upgrades an installed system to this checkout, without dropping a request (run as root):
#   deploy/upgrade.sh
# The one upgrade path (README, "Upgrading"), in this order:
#   1. build the new binary (or take NEW_BINARY);
#   2. back up everything (a full backup with its manifest) into $BACKUP_DIR/before-upgrade-TIME;
#   3. install the binary by a rename: running processes keep the old one;
#   4. migrate every database with the new binary while the old workers serve (migrations
#      only add, so old code goes on working on the new schema);
#   5. switch the browser app (deploy/install-public.sh: an atomic symlink swap);
#   6. install the units and the nginx site; nginx reloads gracefully;
#   7. replace the workers one at a time (SIGHUP: a new worker starts before an old one
#      drains); restart the notifier and Litestream, which serve no requests.
# Settings (environment; the defaults are the installed system's, install.sh's layout).
# The integration test (Tests/Integration/test_upgrade.py) runs the same steps on a stack of
# its own through them:
#   NEW_BINARY      a built binary to install instead of building
#   PUBLIC_SOURCE   the browser app to install (this checkout's public/)
#   BIN_DIR         where booking-fcgi is installed (/usr/local/bin)
#   SHARE_DIR       where public/ is installed (/usr/share/booking)
#   BACKUP_DIR      where the backup before the upgrade goes (/var/backups/booking)
#   RUN_AS          the user that owns the data (booking); empty: as we are
#   SYSTEMD         1: install units and site, reload through systemctl; 0: only the commands below
#   RELOAD_NGINX, RELOAD_POOL, RESTART_OTHERS   commands for steps 6 and 7
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
BIN_DIR=${BIN_DIR:-/usr/local/bin}
SHARE_DIR=${SHARE_DIR:-/usr/share/booking}
BACKUP_DIR=${BACKUP_DIR:-/var/backups/booking}
RUN_AS=${RUN_AS-booking}
SYSTEMD=${SYSTEMD:-1}
PUBLIC_SOURCE=${PUBLIC_SOURCE:-$root/public}
RELOAD_NGINX=${RELOAD_NGINX:-nginx -t -q && systemctl reload nginx}
RELOAD_POOL=${RELOAD_POOL:-systemctl reload booking-fcgi}
default_restart='systemctl restart booking-notifier && if systemctl is-enabled -q booking-litestream; then systemctl restart booking-litestream; fi'
RESTART_OTHERS=${RESTART_OTHERS:-$default_restart}

say() { echo "upgrade: $*"; }
as_owner() { if [ -n "$RUN_AS" ]; then runuser -u "$RUN_AS" -- "$@"; else "$@"; fi; }

if [ -z "${NEW_BINARY:-}" ]; then
    "$root/scripts/install-deps.sh"
    (cd "$root" && swift build -c release --product booking-fcgi)
    NEW_BINARY="$root/.build/release/booking-fcgi"
fi
[ -x "$NEW_BINARY" ] || { echo "upgrade: $NEW_BINARY is not an executable" >&2; exit 1; }
installed="$BIN_DIR/booking-fcgi"
[ -x "$installed" ] || { echo "upgrade: nothing installed at $installed (deploy/install.sh installs)" >&2; exit 1; }
say "from $("$installed" --version) to $("$NEW_BINARY" --version)"

backup="$BACKUP_DIR/before-upgrade-$(date -u +%Y-%m-%dT%H%M%SZ)"
mkdir -p "$BACKUP_DIR"
[ -z "$RUN_AS" ] || chown "$RUN_AS:" "$BACKUP_DIR"
as_owner "$NEW_BINARY" backup --to "$backup" --all > /dev/null
say "backed up into $backup"

cp "$NEW_BINARY" "$BIN_DIR/.booking-fcgi.new"
chmod 0755 "$BIN_DIR/.booking-fcgi.new"
mv -f "$BIN_DIR/.booking-fcgi.new" "$installed"
say "installed $installed"

as_owner "$installed" migrate | sed 's/^/upgrade: migrated /'

say "serving $("$root/deploy/install-public.sh" "$PUBLIC_SOURCE" "$SHARE_DIR")"
cp "$root/README.md" "$SHARE_DIR/"

if [ "$SYSTEMD" = 1 ]; then
    install -m 0644 "$root"/deploy/systemd/booking-*.service "$root"/deploy/systemd/booking-*.timer /etc/systemd/system/
    "$root/deploy/render-dropins.sh" /etc/booking/booking.env /etc/systemd/system
    systemctl daemon-reload
    systemctl enable -q booking-backup.timer
    "$root/deploy/render-nginx.sh" > /etc/nginx/sites-available/booking.new
    mv -f /etc/nginx/sites-available/booking.new /etc/nginx/sites-available/booking
fi
bash -c "$RELOAD_NGINX"
say "nginx reloaded"
bash -c "$RELOAD_POOL"
bash -c "$RESTART_OTHERS"
say "workers replaced one at a time; notifier restarted. Check: booking-fcgi check; curl -fsS localhost/api/health/ready"
