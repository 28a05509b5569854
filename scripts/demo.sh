#!/usr/bin/env bash
# Builds lockstep (locked restore, Release) and runs an example pipeline end to end on the embedded
# store: scripts/demo.sh [EXAMPLE_FOLDER]   (default: the README's main example)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/prereqs.sh
example="${1:-examples/adult}"
dotnet restore --locked-mode Lockstep.slnx
# Self-contained for linux-x64, precompiled into one composite ReadyToRun image (scripts/publish.sh):
# the lock files carry that runtime's section (RuntimeIdentifiers in build/Lockstep.Publish.props),
# so the locked restore above covers it, runtime packs included.
scripts/publish.sh artifacts/lockstep
echo "lockstep built at artifacts/lockstep/lockstep; running the pipeline in $example"
cd "$example"
"$OLDPWD/artifacts/lockstep/lockstep" run
