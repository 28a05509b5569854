#!/usr/bin/env bash
# Hashing throughput vs `cat FILE > /dev/null` on a warm 1 GiB file, same run, interleaved.
# Usage: bench/hashing/run.sh [FILE] [REPETITIONS]   (FILE is created as 1 GiB of random bytes if absent)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
file="${1:-/tmp/lockstep-bench-hashing-1g.bin}"
reps="${2:-7}"
if [ ! -f "$file" ]; then
  echo "creating $file (1 GiB random)" >&2
  head -c 1073741824 /dev/urandom > "$file"
fi
cat "$file" > /dev/null   # warm the page cache
dotnet build -c Release "$here/Lockstep.Bench.Hashing.csproj" -v q -nologo >&2
DOTNET_TieredPGO=1 dotnet "$here/bin/Release/net10.0/Lockstep.Bench.Hashing.dll" "$file" "$reps"
