#!/usr/bin/env bash
# Restore an archive of backup.sh into an EMPTY PostgreSQL database (create it first:
# createdb, or CREATE DATABASE), in one transaction: on any error nothing is restored.
#
#   infra/scripts/restore.sh FILE DATABASE_URL
#
# Stop the gateway and the workers first when restoring over a database they use
# (docs/operations.md, "Restore"). Then check it: `openctl migrate --status` and
# `openctl projections rebuild --all --check` (replays every execution's event log, changes nothing).
set -euo pipefail

if [[ $# -ne 2 ]]; then
    echo "usage: $0 FILE DATABASE_URL" >&2
    exit 2
fi
file="$1"
url="${2/postgresql+asyncpg:\/\//postgresql://}"
if [[ ! -f "$file" ]]; then
    echo "error: no backup file $file" >&2
    exit 2
fi
tables="$(psql --dbname="$url" --tuples-only --no-align --command \
    "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'")"
if [[ "$tables" != "0" ]]; then
    echo "error: the target database is not empty ($tables tables in schema public); restore into a new database" >&2
    exit 1
fi
pg_restore --single-transaction --exit-on-error --no-owner --no-privileges --dbname="$url" "$file"
echo "restored $file"
