#!/usr/bin/env bash
# Publishes the lockstep CLI into OUT (default artifacts/lockstep): Release, ReadyToRun
# (precompiled) for linux-x64, framework-dependent, from a locked restore. Extra `dotnet publish`
# arguments follow OUT (e.g. -p:PublishReadyToRun=false for a JIT-only build of the same layout).
#
# The precompiled code targets the instruction sets of the machine that builds it (x86-64-v4 with
# AVX-512, v3 with AVX2): the hashing kernels test for those sets, and code that tests for a set
# the image was not compiled for is thrown away and JIT-compiled at start-up (≈ 25 ms of every
# run). Copied to a machine without them, the tool still works: the runtime then ignores the
# precompiled code and JIT-compiles everything, as an ordinary build does.
# LOCKSTEP_INSTRUCTION_SET=x86-64-v2 (or any crossgen2 --instruction-set value) overrides it.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-$root/artifacts/lockstep}"; shift || true
cd "$root"
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
dotnet restore --locked-mode src/Lockstep.Cli/Lockstep.Cli.csproj -v quiet -nologo >/dev/null
dotnet publish src/Lockstep.Cli/Lockstep.Cli.csproj -c Release -r linux-x64 -o "$out" --no-restore -nologo -v quiet \
  "-p:LockstepInstructionSet=$LOCKSTEP_INSTRUCTION_SET" "$@"
echo "lockstep published to $out (ReadyToRun for ${LOCKSTEP_INSTRUCTION_SET:-the default instruction sets})" >&2
