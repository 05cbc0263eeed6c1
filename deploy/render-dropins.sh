#!/usr/bin/env bash
# Writes systemd drop-ins that let the services write where booking.env says the data, the
# backups and a directory replica live, when that is not the units' default
# (/var/lib/booking, /var/backups/booking):
#   deploy/render-dropins.sh [ENV_FILE] [UNIT_DIR]   (defaults: /etc/booking/booking.env, /etc/systemd/system)
# Each unit gets UNIT.d/paths.conf (removed again when nothing differs). install.sh runs it.
set -euo pipefail
env_file=${1:-/etc/booking/booking.env}
unit_dir=${2:-/etc/systemd/system}

# The last assignment of NAME in the settings file, quotes removed (as systemd reads it).
setting() {
    [ -f "$env_file" ] || return 0
    sed -n "s/^[[:space:]]*$1=//p" "$env_file" | tail -n 1 | sed -e 's/^"\(.*\)"$/\1/' -e "s/^'\(.*\)'$/\1/"
}
data_dir=$(setting BOOKING_DATA_DIR)
backup_dir=$(setting BOOKING_BACKUP_DIR)
replica=$(setting BOOKING_REPLICA)
case $replica in /*) replica_dir=$replica ;; file://*) replica_dir=${replica#file://} ;; *) replica_dir="" ;; esac

for path in "$data_dir" "$backup_dir" "$replica_dir"; do
    case $path in ""|/*) ;; *) echo "render-dropins: $path is not an absolute path" >&2; exit 1 ;; esac
    case $path in *[[:space:]]*) echo "render-dropins: $path contains a space" >&2; exit 1 ;; esac
done

write_dropin() {  # UNIT PATH...
    local unit=$1; shift
    local lines=()
    for path in "$@"; do [ -n "$path" ] && lines+=("ReadWritePaths=$path"); done
    local file="$unit_dir/$unit.d/paths.conf"
    if [ ${#lines[@]} -eq 0 ]; then
        rm -f "$file"; rmdir "$unit_dir/$unit.d" 2>/dev/null || true
        return
    fi
    mkdir -p "$unit_dir/$unit.d"
    { echo "# Written by deploy/render-dropins.sh from $env_file; rewritten at every install."
      echo "[Service]"; printf '%s\n' "${lines[@]}"; } > "$file"
}

custom_data=""; [ -n "$data_dir" ] && [ "$data_dir" != /var/lib/booking ] && custom_data=$data_dir
custom_backups=""; [ -n "$backup_dir" ] && [ "$backup_dir" != /var/backups/booking ] && custom_backups=$backup_dir
custom_replica=""; [ -n "$replica_dir" ] && [ "$replica_dir" != /srv/booking-replica ] && custom_replica=$replica_dir
write_dropin booking-fcgi.service "$custom_data"
write_dropin booking-notifier.service "$custom_data"
write_dropin booking-litestream.service "$custom_data" "$custom_replica"
write_dropin booking-backup.service "$custom_data" "$custom_backups"
