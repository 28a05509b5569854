#!/usr/bin/env bash
# Publishes the lockstep CLI into OUT (default artifacts/lockstep): Release, linux-x64,
# self-contained, the .NET framework and our code precompiled into one composite ReadyToRun image
# (build/Lockstep.Publish.props says why and what it costs), from a locked restore. Extra
# `dotnet publish` arguments follow OUT (e.g. -p:PublishReadyToRun=false for a JIT-only build).
#
# LOCKSTEP_PUBLISH_MODE=framework-dependent publishes the previous layout instead (one ReadyToRun
# image per assembly on the installed .NET runtime: ≈ 50 MB instead of ≈ 175 MB, about a minute to
# build instead of 2.5-4, a cached run ≈ 35 % slower). LOCKSTEP_PROJECT=PATH publishes another
# project the same way (bench/ingest/publish.sh: IngestBench).
#
# The precompiled code targets the instruction sets of the machine that builds it (x86-64-v4 with
# AVX-512, v3 with AVX2): code that tests for a set the image was not compiled for is thrown away
# and JIT-compiled at start-up. Copied to a machine WITHOUT those sets, the tool still works, but
# the runtime then rejects the whole composite image (framework included) and JIT-compiles
# everything: ≈ 1 s per start. Build it where it runs, or choose a lower set for a build that
# travels: LOCKSTEP_INSTRUCTION_SET=x86-64-v3 (or v2, or any crossgen2 --instruction-set value).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-$root/artifacts/lockstep}"; shift || true
cd "$root"
project="${LOCKSTEP_PROJECT:-src/Lockstep.Cli/Lockstep.Cli.csproj}"
mode="${LOCKSTEP_PUBLISH_MODE:-self-contained}"
case "$mode" in
  self-contained|framework-dependent) ;;
  *) echo "LOCKSTEP_PUBLISH_MODE must be self-contained or framework-dependent, not '$mode'" >&2; exit 2 ;;
esac
if [ -z "${LOCKSTEP_INSTRUCTION_SET+x}" ]; then
  flags=" $(grep -m1 '^flags' /proc/cpuinfo 2>/dev/null | cut -d: -f2) "
  has() { for f in "$@"; do [[ "$flags" == *" $f "* ]] || return 1; done; }
  if has avx512f avx512bw avx512cd avx512dq avx512vl avx2 bmi1 bmi2 fma movbe; then
    LOCKSTEP_INSTRUCTION_SET=x86-64-v4
  elif has avx2 bmi1 bmi2 fma movbe; then
    LOCKSTEP_INSTRUCTION_SET=x86-64-v3
  else
    LOCKSTEP_INSTRUCTION_SET=
  fi
fi
# A previous publish of the other mode leaves files that do not belong to this one (a runtime and
# 300 framework assemblies beside a framework-dependent build): start from an empty folder, but
# only delete a folder that holds nothing or a previous publish.
if [ -d "$out" ] && [ -n "$(ls -A "$out")" ]; then
  if ls "$out"/*.runtimeconfig.json >/dev/null 2>&1; then
    rm -rf "$out"
  else
    echo "$out is not empty and holds no previous publish; choose another folder" >&2; exit 2
  fi
fi
dotnet restore --locked-mode "$project" -v quiet -nologo >/dev/null
dotnet publish "$project" -c Release -r linux-x64 -o "$out" --no-restore -nologo -v quiet \
  "-p:LockstepPublishMode=$mode" "-p:LockstepInstructionSet=$LOCKSTEP_INSTRUCTION_SET" "$@"
echo "$(basename "$project" .csproj) published to $out ($mode, ReadyToRun for ${LOCKSTEP_INSTRUCTION_SET:-the default instruction sets})" >&2
