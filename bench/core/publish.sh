#!/usr/bin/env bash
# Publishes the lockstep CLI in Release into $1, exactly as scripts/demo.sh does (scripts/publish.sh:
# self-contained composite ReadyToRun for linux-x64, from a locked restore); extra arguments follow,
# e.g. `-p:PublishReadyToRun=false` for a JIT-only build of the same layout.
set -euo pipefail
out="$1"; shift
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
scripts/publish.sh "$out" "$@" >/dev/null
