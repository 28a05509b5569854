#!/usr/bin/env bash
# Publishes IngestBench into $1 the way the lockstep CLI ships: Release, linux-x64,
# framework-dependent, ReadyToRun (precompiled, so start-up and the first rows do not wait for
# the JIT). A RID-specific publish rewrites the committed packages.lock.json files with a RID
# section; they are put back afterwards so a benchmark never leaves the tree dirty (as
# bench/core/publish.sh does for the CLI).
set -euo pipefail
out="$1"; shift
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
mapfile -t locks < <(git ls-files '*packages.lock.json')
for f in "${locks[@]}"; do cp "$f" "$f.bench-bak"; done
restore() { for f in "${locks[@]}"; do [ -f "$f.bench-bak" ] && mv "$f.bench-bak" "$f"; done; }
trap restore EXIT
dotnet publish bench/ingest/IngestBench -c Release -o "$out" -v quiet -nologo \
  -r linux-x64 --self-contained false -p:PublishReadyToRun=true "$@" >/dev/null
