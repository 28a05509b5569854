#!/usr/bin/env bash
# Publishes the lockstep CLI in Release into $1, exactly as scripts/demo.sh does (ReadyToRun for
# linux-x64, framework-dependent, from a locked restore); extra dotnet publish arguments follow,
# e.g. `-p:PublishReadyToRun=false` for a JIT-only build of the same layout.
set -euo pipefail
out="$1"; shift
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
scripts/publish.sh "$out" "$@" >/dev/null
