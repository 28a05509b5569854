#!/usr/bin/env bash
# Hashing throughput of the object store's hasher (BLAKE3) on a 1 GiB file against
# `cat FILE > /dev/null`, in the same hyperfine run, with the file in the page cache.
# Usage: bench/core/hashing/run.sh [RUNS] [read|written]
#   read (default): the file is cached as after reading it from disk (mostly 2 MiB folios here);
#   written: as just after writing it (small folios), e.g. an object the store has just copied.
# Each hyperfine command is a whole process: HashFile pays the .NET runtime's start (timed alone on
# an empty file) as well as the hashing; the ratios are printed with and without it.
set -euo pipefail
runs="${1:-10}"
state="${2:-read}"
root="$(cd "$(dirname "$0")/../../.." && pwd)"
cd "$root"
command -v hyperfine >/dev/null && command -v b3sum >/dev/null || { apt-get update -qq && apt-get install -y -qq hyperfine b3sum; }
out="$root/bench/out/core-hashing"
mkdir -p "$out"
dotnet publish bench/core/hashing/HashFile -c Release -o "$out/hashfile" -v quiet -nologo >/dev/null
hf="$out/hashfile/HashFile"
file="$out/1GiB.bin"
empty="$out/empty.bin"
: > "$empty"
if [ ! -f "$file" ] || [ "$(stat -c %s "$file")" != 1073741824 ]; then
  head -c 1073741824 /dev/urandom > "$file"
fi
case "$state" in
  read) python3 -c 'import os,sys; fd=os.open(sys.argv[1], os.O_RDONLY); os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)' "$file" ;;
  written) cp "$file" "$file.tmp" && mv "$file.tmp" "$file" ;;
  *) echo "unknown page-cache state '$state' (read or written)" >&2; exit 2 ;;
esac
cat "$file" > /dev/null
# same answer as the standard tool in both modes, or the benchmark measures the wrong thing
expected="$(b3sum "$file" | cut -d' ' -f1)"
[ "$("$hf" "$file" | cut -d' ' -f1)" = "$expected" ] && [ "$("$hf" --stored "$file" | cut -d' ' -f1)" = "$expected" ]

echo "page cache: $state; $(grep FileHugePages /proc/meminfo | tr -s ' ') in 2 MiB folios (all files)"
echo "before: $(uptime)"
# -N runs each command without a shell; hyperfine sends its output to /dev/null, so the first
# command is exactly `cat FILE > /dev/null`.
hyperfine -N --warmup 2 --runs "$runs" --export-json "$out/hyperfine.json" --export-markdown "$out/hyperfine.md" \
  -n "cat" "cat $file" \
  -n "HashFile, empty file (.NET start only)" "$hf $empty" \
  -n "ContentHasher.HashFileAsync (workspace file, read)" "$hf $file" \
  -n "ContentHasher.HashImmutableFileAsync (stored object, mapped)" "$hf --stored $file" \
  -n "b3sum (reference BLAKE3, all cores)" "b3sum $file"
echo "after:  $(uptime)"

python3 - "$out/hyperfine.json" <<'PY'
import json, statistics, sys
rs = json.load(open(sys.argv[1]))["results"]
by = {r["command"]: r for r in rs}
cat, start = by["cat"], by["HashFile, empty file (.NET start only)"]
print(f"{'command':62} {'best s':>7} {'median s':>8} {'CPU s':>6} {'vs cat best':>11} {'vs cat median':>13} {'best w/o .NET start':>19}")
for r in rs:
    cpu = r["user"] + r["system"]
    best, med = r["min"], r["median"]
    line = f"{r['command']:62} {best:7.3f} {med:8.3f} {cpu:6.3f} {cat['min']/best:10.2f}x {cat['median']/med:12.2f}x"
    if r is not cat and r is not start and not r["command"].startswith("b3sum"):
        line += f" {cat['min']/(best - start['min']):18.2f}x"
    print(line)
print("vs cat = cat's time / the command's time (throughput ratio; target >= 0.80x). CPU s = mean user+system.")
PY
lscpu | grep -E 'Model name'
