#!/usr/bin/env bash
# Builds lockstep (locked restore, Release) and runs an example pipeline end to end on the embedded
# store: scripts/demo.sh [EXAMPLE_FOLDER]   (default: the README's main example)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/prereqs.sh
example="${1:-examples/adult}"
dotnet restore --locked-mode Lockstep.slnx
# ReadyToRun (precompiled) for linux-x64, framework-dependent: the lock files carry that runtime's
# section (RuntimeIdentifiers in the CLI project), so the locked restore above covers it.
scripts/publish.sh artifacts/lockstep
echo "lockstep built at artifacts/lockstep/lockstep; running the pipeline in $example"
cd "$example"
"$OLDPWD/artifacts/lockstep/lockstep" run
