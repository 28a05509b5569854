#!/usr/bin/env bash
# The two ways scripts/publish.sh can publish, side by side in ONE hyperfine run: the shipped
# self-contained composite ReadyToRun build and the previous framework-dependent one
# (LOCKSTEP_PUBLISH_MODE=framework-dependent). Both for the build machine's instruction sets.
#   - the CLI: `lockstep --version` and a fully cached `lockstep run` of examples/census-shell
#   - IngestBench (the ingest step's code, published the same way): adult.data and KDD Cup 10 %
# Prints publish time and size on disk per mode, then the JIT-compiled methods per phase of one
# cached run (LOCKSTEP_TRACE_TIMING=1) and per ingest, for each mode.
# Usage: bench/core/publish-modes/run.sh [RUNS]   (figures: bench/core/RESULTS-core.md)
# Set PUBLISHED=DIR to reuse DIR/{cli,ingest}-{fd,sc} from an earlier run instead of publishing.
set -euo pipefail
# What is compared is each build's start-up in the command's own process, not the resident
# process's answer (docs/resident.md): it stays off here unless set.
export LOCKSTEP_RESIDENT="${LOCKSTEP_RESIDENT:-0}"
runs="${1:-15}"
root="$(cd "$(dirname "$0")/../../.." && pwd)"
cd "$root"
command -v hyperfine >/dev/null || { apt-get update -qq && apt-get install -y -qq hyperfine; }
out="$root/bench/out/publish-modes"
bins="${PUBLISHED:-$out/bin}"
mkdir -p "$out" "$bins"

if [ -z "${PUBLISHED:-}" ]; then
  for mode in fd sc; do
    [ $mode = fd ] && m=framework-dependent || m=self-contained
    for what in cli ingest; do
      [ $what = cli ] && project=src/Lockstep.Cli/Lockstep.Cli.csproj || project=bench/ingest/IngestBench/IngestBench.csproj
      start=$(date +%s)
      LOCKSTEP_PUBLISH_MODE=$m LOCKSTEP_PROJECT=$project scripts/publish.sh "$bins/$what-$mode" >/dev/null 2>&1
      echo "published $what-$mode in $(( $(date +%s) - start )) s, $(du -sh "$bins/$what-$mode" | cut -f1) on disk"
    done
  done
fi

ws="$out/ws/examples/census-shell"
rm -rf "$out/ws"; mkdir -p "$out/ws/examples"
cp -r examples/census-shell "$out/ws/examples/"
ln -s "$root/data" "$out/ws/data"
for mode in fd sc; do
  "$bins/cli-$mode/lockstep" -w "$ws" run >/dev/null      # fills the cache (each build's code identity differs)
  "$bins/cli-$mode/lockstep" -w "$ws" run --json \
    | python3 -c 'import json,sys; d=json.load(sys.stdin); assert all(s["cached"] for s in d["steps"]), "not fully cached"'
done
adult="data/adult/adult.data"
kdd="data/kddcup99_10pct/kddcup.data_10_percent.gz"

echo "load before: $(uptime)"
hyperfine -N --warmup 3 --runs "$runs" --export-json "$out/hyperfine.json" \
  -n "fd --version" "$bins/cli-fd/lockstep --version" \
  -n "sc --version" "$bins/cli-sc/lockstep --version" \
  -n "fd cached run" "$bins/cli-fd/lockstep -w $ws run" \
  -n "sc cached run" "$bins/cli-sc/lockstep -w $ws run" \
  -n "fd ingest adult" "$bins/ingest-fd/IngestBench $adult --no-header --sep , --na ?" \
  -n "sc ingest adult" "$bins/ingest-sc/IngestBench $adult --no-header --sep , --na ?" \
  -n "fd ingest kdd" "$bins/ingest-fd/IngestBench $kdd --no-header" \
  -n "sc ingest kdd" "$bins/ingest-sc/IngestBench $kdd --no-header" >/dev/null
echo "load after: $(uptime)"

python3 - "$out/hyperfine.json" <<'PY'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
cpu = lambda x: (x["user"] + x["system"]) * 1000
print(f"{'':18s} {'mean':>8s} {'median':>8s} {'min':>8s} {'CPU':>8s}   (ms)")
for name, x in r.items():
    print(f"{name:18s} {x['mean']*1000:8.1f} {x['median']*1000:8.1f} {x['min']*1000:8.1f} {cpu(x):8.1f}")
for m in ("fd", "sc"):
    v, c = r[f"{m} --version"], r[f"{m} cached run"]
    print(f"{m}: cached run / --version = {c['mean']/v['mean']:.2f}x wall (mean), {c['median']/v['median']:.2f}x (median), {cpu(c)/cpu(v):.2f}x CPU")
for w in ("cached run", "ingest adult", "ingest kdd"):
    f, s = r[f"fd {w}"], r[f"sc {w}"]
    print(f"{w}: self-contained composite vs framework-dependent: wall {s['mean']/f['mean']-1:+.0%} (mean), CPU {cpu(s)/cpu(f)-1:+.0%}")
PY
for mode in fd sc; do
  echo "== $mode: phases of one cached run"
  LOCKSTEP_TRACE_TIMING=1 "$bins/cli-$mode/lockstep" -w "$ws" run --json 2>&1 >/dev/null | sed 's/^/  /'
  for f in adult kdd; do
    [ $f = adult ] && args=("$adult" --no-header --sep , --na '?') || args=("$kdd" --no-header)
    echo "== $mode: IngestBench $f: $("$bins/ingest-$mode/IngestBench" "${args[@]}" | grep -o '"total_s": [0-9.]*\|"jit_methods": [0-9]*\|"jit_s": [0-9.]*\|"snapshot": "[0-9a-f]*"' | tr '\n' ' ')"
  done
done
