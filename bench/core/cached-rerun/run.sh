#!/usr/bin/env bash
# A fully cached re-run of examples/census-shell, as a whole process, against `lockstep --version`
# in the same hyperfine run; for a JIT Release build and a ReadyToRun Release build.
# Usage: bench/core/cached-rerun/run.sh [RUNS]   (figures: bench/core/RESULTS-core.md)
set -euo pipefail
runs="${1:-30}"
root="$(cd "$(dirname "$0")/../../.." && pwd)"
cd "$root"
command -v hyperfine >/dev/null || { apt-get update -qq && apt-get install -y -qq hyperfine; }
out="$root/bench/out/core-cached"
rm -rf "$out"; mkdir -p "$out"

bench/core/publish.sh "$out/jit"
bench/core/publish.sh "$out/r2r" -r linux-x64 --self-contained false -p:PublishReadyToRun=true

# One workspace per build (the built-in step's code identity is its assembly's hash, so the two
# builds have separate caches). The example reads ../../data/adult/adult.data.
for v in jit r2r; do
  mkdir -p "$out/ws-$v/examples"
  cp -r examples/census-shell "$out/ws-$v/examples/"
  rm -rf "$out/ws-$v/examples/census-shell/.lockstep"
  ln -s "$root/data" "$out/ws-$v/data"
  "$out/$v/lockstep" -w "$out/ws-$v/examples/census-shell" run >/dev/null          # fills the cache
  "$out/$v/lockstep" -w "$out/ws-$v/examples/census-shell" run --json \
    | python3 -c 'import json,sys; d=json.load(sys.stdin); assert all(s["cached"] for s in d["steps"]), "not fully cached"'
done

hyperfine -N --warmup 3 --runs "$runs" --export-json "$out/hyperfine.json" --export-markdown "$out/hyperfine.md" \
  -n "jit: lockstep --version" "$out/jit/lockstep --version" \
  -n "jit: lockstep run (all cached)" "$out/jit/lockstep -w $out/ws-jit/examples/census-shell run" \
  -n "r2r: lockstep --version" "$out/r2r/lockstep --version" \
  -n "r2r: lockstep run (all cached)" "$out/r2r/lockstep -w $out/ws-r2r/examples/census-shell run"

python3 - "$out/hyperfine.json" <<'PY'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
for v in ("jit", "r2r"):
    base, run = r[f"{v}: lockstep --version"], r[f"{v}: lockstep run (all cached)"]
    cpu = lambda x: x["user"] + x["system"]
    print(f"{v}: cached run {run['mean']*1000:.0f} ms vs --version {base['mean']*1000:.0f} ms (wall, mean) "
          f"= {run['mean']/base['mean']:.2f}x; median {run['median']/base['median']:.2f}x; "
          f"CPU (user+sys) {cpu(run)*1000:.0f} vs {cpu(base)*1000:.0f} ms = {cpu(run)/cpu(base):.2f}x   (target <= 1.5x)")
PY
echo "phases of one cached run (r2r, LOCKSTEP_TRACE_TIMING=1):"
LOCKSTEP_TRACE_TIMING=1 "$out/r2r/lockstep" -w "$out/ws-r2r/examples/census-shell" run --json 2>&1 >/dev/null | sed 's/^/  /'
