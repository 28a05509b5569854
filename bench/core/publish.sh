#!/usr/bin/env bash
# Publishes the lockstep CLI in Release into $1 (extra dotnet publish arguments follow). A publish
# for a runtime identifier (ReadyToRun) rewrites the committed packages.lock.json files with a
# RID section; they are put back afterwards so a benchmark never leaves the tree dirty.
set -euo pipefail
out="$1"; shift
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
mapfile -t locks < <(git ls-files '*packages.lock.json')
for f in "${locks[@]}"; do cp "$f" "$f.bench-bak"; done
restore() { for f in "${locks[@]}"; do [ -f "$f.bench-bak" ] && mv "$f.bench-bak" "$f"; done; }
trap restore EXIT
dotnet publish src/Lockstep.Cli -c Release -o "$out" -v quiet -nologo "$@" >/dev/null
