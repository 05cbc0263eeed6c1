#!/usr/bin/env bash
# Installs the booking system on this Debian 12 VM (run as root from a checkout):
#   deploy/install.sh            build, install binary, units, nginx site, data dir; start
#   deploy/install.sh --uninstall   remove binary, units and site; the data stays in /var/lib/booking
#   (an installed system is upgraded by deploy/upgrade.sh, which backs up and drops no request)
# Settings: /etc/booking/booking.env (created once, never overwritten). nginx site rates and
# listen address: LISTEN, AUTH_RATE, WRITE_RATE, TRUSTED_PROXIES (see deploy/render-nginx.sh).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
[ "$(id -u)" = 0 ] || { echo "run as root" >&2; exit 1; }

if [ "${1:-}" = "--uninstall" ]; then
    systemctl disable --now booking-backup.timer booking-litestream.service booking-notifier.service booking-fcgi.service 2>/dev/null || true
    for unit in booking-fcgi.service booking-notifier.service booking-litestream.service booking-backup.service booking-backup.timer; do
        rm -f "/etc/systemd/system/$unit"; rm -rf "/etc/systemd/system/$unit.d"
    done
    rm -f /etc/nginx/sites-enabled/booking /etc/nginx/sites-available/booking /etc/tmpfiles.d/booking.conf
    rm -f /usr/local/bin/booking-fcgi
    rm -rf /usr/share/booking
    systemctl daemon-reload
    nginx -t && systemctl reload nginx || true
    echo "uninstalled; data kept in /var/lib/booking, backups in /var/backups/booking, settings in /etc/booking"
    exit 0
fi

"$root/scripts/install-deps.sh"
(cd "$root" && swift build -c release --product booking-fcgi)

id booking >/dev/null 2>&1 || useradd --system --home /var/lib/booking --shell /usr/sbin/nologin booking
usermod -aG booking www-data                      # nginx reaches /run/booking/fcgi.sock
install -m 0755 "$root/.build/release/booking-fcgi" /usr/local/bin/booking-fcgi
"$root/deploy/install-public.sh" "$root/public" /usr/share/booking > /dev/null && cp "$root/README.md" /usr/share/booking/
install -d -m 0750 -o booking -g booking /var/lib/booking
install -d -m 0755 /etc/booking
[ -f /etc/booking/booking.env ] || install -m 0640 -g booking "$root/deploy/booking.env" /etc/booking/booking.env
# nchan's publisher socket: nginx (root) creates it; only the booking group may reach it.
echo "d /run/booking-live 0750 www-data booking -" > /etc/tmpfiles.d/booking.conf
systemd-tmpfiles --create /etc/tmpfiles.d/booking.conf
install -m 0644 "$root/deploy/systemd/booking-fcgi.service" "$root/deploy/systemd/booking-notifier.service" \
    "$root/deploy/systemd/booking-litestream.service" "$root/deploy/systemd/booking-backup.service" \
    "$root/deploy/systemd/booking-backup.timer" /etc/systemd/system/
# The units may write only where they must; a data, backup or replica directory set in
# booking.env other than the defaults gets a drop-in naming it.
"$root/deploy/render-dropins.sh" /etc/booking/booking.env /etc/systemd/system
install -d -m 0750 -o booking -g booking /var/backups/booking
# install-deps.sh put Litestream where pip puts scripts; the unit runs /usr/local/bin/litestream.
[ -x /usr/local/bin/litestream ] || ln -sf "$(command -v litestream)" /usr/local/bin/litestream
"$root/deploy/render-nginx.sh" > /etc/nginx/sites-available/booking
ln -sf /etc/nginx/sites-available/booking /etc/nginx/sites-enabled/booking
rm -f /etc/nginx/sites-enabled/default
systemctl daemon-reload
systemctl enable --now booking-fcgi.service
nginx -t && systemctl reload nginx
systemctl enable --now booking-notifier.service
# A full backup every night, kept by BOOKING_BACKUP_KEEP_DAILY / _WEEKLY (README, "Backups").
systemctl enable --now booking-backup.timer
# Replication runs once a replica is named (BOOKING_REPLICA in booking.env).
if grep -q '^BOOKING_REPLICA=.' /etc/booking/booking.env; then
    systemctl enable booking-litestream.service && systemctl restart booking-litestream.service
else
    echo "replication is off: set BOOKING_REPLICA in /etc/booking/booking.env, then systemctl enable --now booking-litestream"
fi
echo "installed: http://$(hostname -f)/  (settings: /etc/booking/booking.env; admin: booking-fcgi create-admin)"
