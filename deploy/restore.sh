#!/usr/bin/env bash
# Restore a backup made by deploy/backup.sh into a fresh, empty database (docs/deploy.md, "Backups and restore").
#
#   DATABASE_URL=... deploy/restore.sh FILE
#
# DATABASE_URL names the database to fill: a SQLite file that does not exist yet, or an empty PostgreSQL database
# (createdb it first). A database with tables is refused, so a restore never mixes with or overwrites live data: stop
# the app and move the old file aside (or restore into a new database and point DATABASE_URL at it). Afterwards run
# `flask db upgrade` (a no-op unless this release is newer than the backup) and start the app with the same
# ENCRYPTION_KEYS and HASH_KEY as when the backup was made.
set -euo pipefail

if [ "$#" -ne 1 ] || [ -z "${DATABASE_URL:-}" ]; then
    echo "usage: DATABASE_URL=... $0 FILE" >&2
    exit 2
fi
backup="$1"
if [ ! -s "$backup" ]; then
    echo "restore: no backup at $backup" >&2
    exit 1
fi
umask 077

case "$DATABASE_URL" in
sqlite:///*)
    database="${DATABASE_URL#sqlite:///}"
    database="${database%%\?*}"
    if [ -s "$database" ] || [ -e "$database-wal" ]; then
        echo "restore: $database already exists; stop the app and move it (and its -wal, -shm) aside first" >&2
        exit 1
    fi
    partial="$database.partial"
    trap 'rm -f "$partial"' EXIT
    rm -f "$partial"
    "${PYTHON:-python3}" - "$backup" "$partial" <<'PY'
import sqlite3, sys

backup = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
result = backup.execute("PRAGMA integrity_check").fetchone()[0]
if result != "ok":
    sys.exit(f"restore: the backup failed its integrity check: {result}")
database = sqlite3.connect(sys.argv[2])
with database:
    backup.backup(database)
backup.close()
database.close()
PY
    mv "$partial" "$database"
    trap - EXIT
    ;;
postgresql://* | postgresql+*://* | postgres://*)
    url="postgresql://${DATABASE_URL#*://}"
    tables="$(psql "$url" -Atc "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'")"
    if [ "$tables" != "0" ]; then
        echo "restore: the database already has $tables tables; restore into a new, empty database" >&2
        exit 1
    fi
    # One transaction: a restore that fails leaves the database empty, never half restored.
    pg_restore --no-owner --no-privileges --exit-on-error --single-transaction --dbname="$url" "$backup"
    ;;
*)
    echo "restore: DATABASE_URL must be a sqlite:/// or postgresql:// URL" >&2
    exit 2
    ;;
esac

echo "restore: restored $backup; now run \`flask --app app db upgrade\`, then start the app"
