#!/usr/bin/env bash
# Dump OPEN's PostgreSQL database to a custom-format archive (pg_dump -Fc): the event log, the
# projections, DAGs, users and organizations; consistent (one snapshot), while OPEN keeps running.
#
#   infra/scripts/backup.sh DATABASE_URL [FILE]
#
# DATABASE_URL: postgresql:// (or postgresql+asyncpg://, as OPEN's DATABASE_URL may be) URL.
# FILE: the archive to write; default backups/open-<UTC time>.dump. Prints the file's path.
# Artifacts stored on disk (OPEN_ARTIFACT_DIR) are not in the database: copy that folder too.
set -euo pipefail

if [[ $# -lt 1 || $# -gt 2 ]]; then
    echo "usage: $0 DATABASE_URL [FILE]" >&2
    exit 2
fi
url="${1/postgresql+asyncpg:\/\//postgresql://}"
file="${2:-backups/open-$(date -u +%Y%m%dT%H%M%SZ).dump}"
mkdir -p "$(dirname "$file")"
# Write beside the target first, so an interrupted dump never leaves a truncated archive behind.
pg_dump --format=custom --compress=6 --no-owner --no-privileges --file="$file.partial" --dbname="$url"
mv "$file.partial" "$file"
echo "$file"
