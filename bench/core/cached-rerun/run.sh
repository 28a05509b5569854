#!/usr/bin/env bash
# A fully cached re-run of examples/census-shell, as a whole process, against `lockstep --version`
# of the same build in the same hyperfine run. The build is the shipped one: bench/core/publish.sh
# publishes exactly what scripts/demo.sh does (scripts/publish.sh: Release, linux-x64, self-contained
# composite ReadyToRun).
# Usage: bench/core/cached-rerun/run.sh [RUNS]   (figures: bench/core/RESULTS-core.md)
# Set LOCKSTEP_BIN=DIR to measure an already published build instead of publishing one, and
# BASELINE_BIN=DIR to put another published build (its --version and its cached run, in a workspace
# of its own) in the same hyperfine run, e.g. BASELINE_BIN=/tmp/pub-s5 for main's build.
set -euo pipefail
runs="${1:-30}"
root="$(cd "$(dirname "$0")/../../.." && pwd)"
cd "$root"
command -v hyperfine >/dev/null || { apt-get update -qq && apt-get install -y -qq hyperfine; }
out="$root/bench/out/core-cached"
rm -rf "$out"; mkdir -p "$out"
bin="${LOCKSTEP_BIN:-$out/shipped}"
[ -n "${LOCKSTEP_BIN:-}" ] || bench/core/publish.sh "$bin"

# The example reads ../../data/adult/adult.data.
ws="$out/ws/examples/census-shell"
mkdir -p "$out/ws/examples"
cp -r examples/census-shell "$out/ws/examples/"
rm -rf "$ws/.lockstep"
ln -s "$root/data" "$out/ws/data"
"$bin/lockstep" -w "$ws" run >/dev/null          # fills the cache
"$bin/lockstep" -w "$ws" run --json \
  | python3 -c 'import json,sys; d=json.load(sys.stdin); assert all(s["cached"] for s in d["steps"]), "not fully cached"'
baseline=()
if [ -n "${BASELINE_BIN:-}" ]; then
  bws="$out/ws-baseline/examples/census-shell"
  mkdir -p "$out/ws-baseline/examples"
  cp -r examples/census-shell "$out/ws-baseline/examples/"
  rm -rf "$bws/.lockstep"
  ln -s "$root/data" "$out/ws-baseline/data"
  "$BASELINE_BIN/lockstep" -w "$bws" run >/dev/null
  "$BASELINE_BIN/lockstep" -w "$bws" run --json \
    | python3 -c 'import json,sys; d=json.load(sys.stdin); assert all(s["cached"] for s in d["steps"]), "baseline not fully cached"'
  baseline=(-n "baseline --version" "$BASELINE_BIN/lockstep --version" -n "baseline run (all cached)" "$BASELINE_BIN/lockstep -w $bws run")
fi

echo "load before: $(uptime)"
hyperfine -N --warmup 3 --runs "$runs" --export-json "$out/hyperfine.json" --export-markdown "$out/hyperfine.md" \
  -n "lockstep --version" "$bin/lockstep --version" \
  -n "lockstep run (all cached)" "$bin/lockstep -w $ws run" "${baseline[@]}"
echo "load after: $(uptime)"

python3 - "$out/hyperfine.json" <<'PY'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
cpu = lambda x: x["user"] + x["system"]
for name, version, cached in [("", "lockstep --version", "lockstep run (all cached)"), ("baseline: ", "baseline --version", "baseline run (all cached)")]:
    if version not in r:
        continue
    base, run = r[version], r[cached]
    print(f"{name}cached run {run['mean']*1000:.0f} ms vs --version {base['mean']*1000:.0f} ms (wall, mean) = {run['mean']/base['mean']:.2f}x; "
          f"median {run['median']*1000:.0f} vs {base['median']*1000:.0f} ms = {run['median']/base['median']:.2f}x; "
          f"min {run['min']*1000:.0f} vs {base['min']*1000:.0f} ms = {run['min']/base['min']:.2f}x; "
          f"CPU (user+sys) {cpu(run)*1000:.0f} vs {cpu(base)*1000:.0f} ms = {cpu(run)/cpu(base):.2f}x   (target <= 1.5x)")
PY
echo "phases of one cached run (LOCKSTEP_TRACE_TIMING=1):"
LOCKSTEP_TRACE_TIMING=1 "$bin/lockstep" -w "$ws" run --json 2>&1 >/dev/null | sed 's/^/  /'
