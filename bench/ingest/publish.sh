#!/usr/bin/env bash
# Publishes IngestBench into $1 exactly the way the lockstep CLI ships (scripts/publish.sh with
# build/Lockstep.Publish.props: Release, linux-x64, self-contained composite ReadyToRun for the
# build machine's instruction sets), so the benchmark measures the CLI's start-up and JIT costs
# too. Extra dotnet publish arguments follow; LOCKSTEP_PUBLISH_MODE=framework-dependent gives the
# previous layout.
set -euo pipefail
out="$1"; shift
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
LOCKSTEP_PROJECT=bench/ingest/IngestBench/IngestBench.csproj scripts/publish.sh "$out" "$@" >/dev/null
