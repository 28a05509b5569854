#!/usr/bin/env bash
# A fully cached re-run of examples/census-shell, as a whole process, against `lockstep --version`
# of the same build in the same hyperfine run. The build is the shipped one: bench/core/publish.sh
# publishes exactly what scripts/demo.sh does (scripts/publish.sh: Release, linux-x64, self-contained
# composite ReadyToRun).
# Usage: bench/core/cached-rerun/run.sh [RUNS]   (figures: bench/core/RESULTS-core.md)
# Prints three ratios: with the resident process (the default outside CI), with it off
# (LOCKSTEP_RESIDENT=0: the whole run in the command's process), and the baseline build's if given;
# and the resident process's CPU per answer, which the client's figures do not include.
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
# A fully cached run is answered by the resident process when one is up (docs/resident.md): the
# first run below starts it. The run with LOCKSTEP_RESIDENT=0 is the same build without it (in the
# command's own process, as every run was before session 9); `env` adds its own exec (~1 ms).
"$bin/lockstep" resident stop >/dev/null 2>&1 || true
"$bin/lockstep" -w "$ws" run >/dev/null          # fills the cache (and starts the resident process)
resident_pid=""
for _ in $(seq 100); do
  resident_pid="$("$bin/lockstep" resident status --json 2>/dev/null | python3 -c 'import json,sys; p=json.load(sys.stdin)["processes"]; print(p[0]["pid"] if p else "")' 2>/dev/null || true)"
  [ -n "$resident_pid" ] && break
  sleep 0.1
done
[ -n "$resident_pid" ] && echo "resident process: pid $resident_pid" || echo "no resident process (LOCKSTEP_RESIDENT=0, or CI set): every run below starts from scratch"
"$bin/lockstep" -w "$ws" run --json \
  | python3 -c 'import json,sys; d=json.load(sys.stdin); assert all(s["cached"] for s in d["steps"]), "not fully cached"'
# utime + stime of the resident process and of the children it reaped (git), in clock ticks.
cpu_ticks() { [ -n "$resident_pid" ] && awk '{print $14 + $15 + $16 + $17}' "/proc/$resident_pid/stat" || echo 0; }
# Its first answers also JIT-compile (tiered compilation settles after some 30 calls): 30 answers
# first, their CPU reported apart, so that the timed runs see the resident process as a user who
# runs the pipeline again and again does.
ticks_start="$(cpu_ticks)"
for _ in $(seq 30); do "$bin/lockstep" -w "$ws" run >/dev/null; done
ticks_warm="$(cpu_ticks)"
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
# The resident process's own CPU during the timed runs, per answer (hyperfine sees only the client's).
ticks_before="$(cpu_ticks)"
hyperfine -N --warmup 3 --runs "$runs" --export-json "$out/hyperfine.json" --export-markdown "$out/hyperfine.md" \
  -n "lockstep --version" "$bin/lockstep --version" \
  -n "lockstep run (all cached)" "$bin/lockstep -w $ws run" "${baseline[@]}"
ticks_after="$(cpu_ticks)"
hyperfine -N --warmup 3 --runs "$runs" --export-json "$out/hyperfine-off.json" \
  -n "lockstep --version" "$bin/lockstep --version" \
  -n "lockstep run (all cached, LOCKSTEP_RESIDENT=0)" "env LOCKSTEP_RESIDENT=0 $bin/lockstep -w $ws run" >/dev/null
echo "load after: $(uptime)"

python3 - "$out/hyperfine.json" "$out/hyperfine-off.json" "$((ticks_after - ticks_before))" "$(getconf CLK_TCK)" "$runs" "$((ticks_warm - ticks_start))" <<'PY'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
off = {x["command"]: x for x in json.load(open(sys.argv[2]))["results"]}
tick_ms = 1000 / int(sys.argv[4])
resident_ms = int(sys.argv[3]) * tick_ms / (int(sys.argv[5]) + 3)
first_ms = int(sys.argv[6]) * tick_ms / 30
cpu = lambda x: x["user"] + x["system"]
for name, results, version, cached in [("", r, "lockstep --version", "lockstep run (all cached)"),
                                       ("resident off: ", off, "lockstep --version", "lockstep run (all cached, LOCKSTEP_RESIDENT=0)"),
                                       ("baseline: ", r, "baseline --version", "baseline run (all cached)")]:
    if version not in results:
        continue
    base, run = results[version], results[cached]
    print(f"{name}cached run {run['mean']*1000:.0f} ms vs --version {base['mean']*1000:.0f} ms (wall, mean) = {run['mean']/base['mean']:.2f}x; "
          f"median {run['median']*1000:.0f} vs {base['median']*1000:.0f} ms = {run['median']/base['median']:.2f}x; "
          f"min {run['min']*1000:.0f} vs {base['min']*1000:.0f} ms = {run['min']/base['min']:.2f}x; "
          f"CPU (user+sys) {cpu(run)*1000:.0f} vs {cpu(base)*1000:.0f} ms = {cpu(run)/cpu(base):.2f}x   (target <= 1.5x)")
    if name == "" and resident_ms > 0:
        total = cpu(run) * 1000 + resident_ms
        print(f"  the resident process's CPU per answer, with git's: {resident_ms:.1f} ms over the {int(sys.argv[5]) + 3} timed answers "
              f"({first_ms:.1f} ms over its first 30, while it JIT-compiles); "
              f"client + resident {total:.0f} ms = {total / (cpu(base) * 1000):.2f}x the CPU of --version")
PY
echo "phases of one cached run (LOCKSTEP_TRACE_TIMING=1):"
LOCKSTEP_TRACE_TIMING=1 "$bin/lockstep" -w "$ws" run --json 2>&1 >/dev/null | sed 's/^/  /'
