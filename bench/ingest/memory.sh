#!/usr/bin/env bash
# Bounded memory: generate a ROWS-row CSV (default 10 million, ~400 MB) and ingest it to a
# snapshot plus statistics, reporting peak RSS from /usr/bin/time -v. The target is < 1 GiB.
# usage: bench/ingest/memory.sh [ROWS]   (from the repository root)
set -euo pipefail
cd "$(dirname "$0")/../.."
ROWS=${1:-10000000}
dotnet build -c Release bench/ingest/IngestBench -v q -nologo >/dev/null
LOCKSTEP=bench/ingest/IngestBench/bin/Release/net10.0/IngestBench
FILE=${TMPDIR:-/tmp}/lockstep-generated-$ROWS.csv
[ -f "$FILE" ] || "$LOCKSTEP" generate "$FILE" "$ROWS"
ls -l "$FILE"
/usr/bin/time -v "$LOCKSTEP" "$FILE" 2> >(grep -E 'Maximum resident|Elapsed|User time|System time' >&2)
