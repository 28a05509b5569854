#!/usr/bin/env bash
# Hashing throughput vs `cat FILE > /dev/null` on a warm 1 GiB file, same run, interleaved.
# Usage: bench/hashing/run.sh [FILE] [REPETITIONS] [read|written|both]
#   FILE is created as 1 GiB of random bytes if absent.
#   read:    the file is dropped from the page cache and read back, as a file read from disk is
#            cached (Linux 6.18 on ext4: mostly 2 MiB folios, which a mapping maps with one entry each);
#   written: the file is rewritten first, as a file just written is cached (small folios);
#   both (default): one run in each state.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
file="${1:-/tmp/lockstep-bench-hashing-1g.bin}"
reps="${2:-7}"
states="${3:-both}"
[ "$states" = both ] && states="read written"
if [ ! -f "$file" ]; then
  echo "creating $file (1 GiB random)" >&2
  head -c 1073741824 /dev/urandom > "$file"
fi
dotnet build -c Release "$here/Lockstep.Bench.Hashing.csproj" -v q -nologo >&2
for state in $states; do
  case "$state" in
    read) python3 -c 'import os,sys; fd=os.open(sys.argv[1], os.O_RDONLY); os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)' "$file" ;;
    written) cp "$file" "$file.tmp" && mv "$file.tmp" "$file" ;;
    *) echo "unknown page-cache state '$state' (read, written or both)" >&2; exit 2 ;;
  esac
  cat "$file" > /dev/null   # warm (or re-warm) the page cache
  echo "== page cache state: $state ($(grep FileHugePages /proc/meminfo | tr -s ' ') in 2 MiB folios, all files)"
  uptime
  DOTNET_TieredPGO=1 dotnet "$here/bin/Release/net10.0/Lockstep.Bench.Hashing.dll" "$file" "$reps"
done
