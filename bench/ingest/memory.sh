#!/usr/bin/env bash
# Bounded memory: generate a ROWS-row CSV (default 10 million, ~400 MB) and ingest it to a
# snapshot plus statistics, reporting peak RSS from /usr/bin/time -v. The target is < 1 GiB.
# The binary is published as the CLI ships (ReadyToRun, bench/ingest/publish.sh).
# usage: bench/ingest/memory.sh [ROWS]   (from the repository root)
set -euo pipefail
cd "$(dirname "$0")/../.."
ROWS=${1:-10000000}
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
bench/ingest/publish.sh "$OUT/r2r"
LOCKSTEP="$OUT/r2r/IngestBench"
FILE=${TMPDIR:-/tmp}/lockstep-generated-$ROWS.csv
[ -f "$FILE" ] || "$LOCKSTEP" generate "$FILE" "$ROWS"
ls -l "$FILE"
echo "load: $(uptime)"
/usr/bin/time -v "$LOCKSTEP" "$FILE" 2> >(grep -E 'Maximum resident|Elapsed|User time|System time' >&2)
