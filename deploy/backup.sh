#!/usr/bin/env bash
# Back up the app's database to FILE while the app keeps running (docs/deploy.md, "Backups and restore").
#
#   DATABASE_URL=... deploy/backup.sh FILE
#
# DATABASE_URL is the app's own (the environment file, e.g. `set -a; . /etc/lbp-screening/env; set +a`):
#   sqlite:////var/lib/lbp-screening/screening.db  -> SQLite's online backup API: one consistent, self-contained file
#   postgresql+psycopg://user@host/dbname           -> pg_dump --format=custom (restore with deploy/restore.sh)
# The file is written beside FILE and renamed into place once checked, so FILE is never half a backup. It holds the
# contact details encrypted, never the keys: keep ENCRYPTION_KEYS and HASH_KEY elsewhere (docs/operations.md).
set -euo pipefail

if [ "$#" -ne 1 ] || [ -z "${DATABASE_URL:-}" ]; then
    echo "usage: DATABASE_URL=... $0 FILE" >&2
    exit 2
fi
target="$1"
partial="$target.partial"
umask 077  # personal data, even encrypted, is for the app's user only
trap 'rm -f "$partial"' EXIT

case "$DATABASE_URL" in
sqlite:///*)
    database="${DATABASE_URL#sqlite:///}"
    database="${database%%\?*}"
    if [ ! -s "$database" ]; then
        echo "backup: no SQLite database at $database" >&2
        exit 1
    fi
    rm -f "$partial"
    "${PYTHON:-python3}" - "$database" "$partial" <<'PY'
import sqlite3, sys

source = sqlite3.connect(sys.argv[1])  # read only by what it does: a read-only open cannot always read a WAL file
copy = sqlite3.connect(sys.argv[2])
with copy:
    source.backup(copy)  # the online backup API: a consistent copy while writers carry on
source.close()
copy.execute("PRAGMA journal_mode=DELETE")  # one file, no -wal beside it
result = copy.execute("PRAGMA integrity_check").fetchone()[0]
copy.close()
if result != "ok":
    sys.exit(f"backup: the copy failed its integrity check: {result}")
PY
    ;;
postgresql://* | postgresql+*://* | postgres://*)
    url="postgresql://${DATABASE_URL#*://}"  # libpq's form, without SQLAlchemy's driver name
    pg_dump --format=custom --no-owner --no-privileges --file="$partial" "$url"
    pg_restore --list "$partial" >/dev/null  # readable to the end
    ;;
*)
    echo "backup: DATABASE_URL must be a sqlite:/// or postgresql:// URL" >&2
    exit 2
    ;;
esac

mv "$partial" "$target"
trap - EXIT
echo "backup: wrote $target ($(wc -c <"$target") bytes)"
