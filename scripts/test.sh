#!/usr/bin/env bash
# Runs every test: locked restore, Release build, all test projects; ends with 'N passed, N failed'.
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/prereqs.sh
set -e
dotnet restore --locked-mode Lockstep.slnx
dotnet build Lockstep.slnx -c Release --no-restore -nologo -v quiet
set +e
log=$(mktemp)
dotnet test Lockstep.slnx -c Release --no-build -nologo 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
passed=$(grep -oE 'Passed: +[0-9]+' "$log" | awk '{s += $2} END {print s + 0}')
failed=$(grep -oE 'Failed: +[0-9]+' "$log" | awk '{s += $2} END {print s + 0}')
rm -f "$log"
echo "$passed passed, $failed failed"
if [ "$status" -ne 0 ] || [ "$failed" -ne 0 ] || [ "$passed" -eq 0 ]; then
  exit 1
fi
