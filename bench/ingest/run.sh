#!/usr/bin/env bash
# Ingest + full statistics: Lockstep (IngestBench: snapshot/1 Parquet + statistics/1, through the
# same SourceIngest.IngestAsync the ingest step calls) against pandas (bench-peers/ingest_stats.py:
# read_csv + describe + missing + top categories), same files, same run, alternating, REPEAT
# times each. Prints per-run figures and median ratios.
#
# The Lockstep binary is published the way the CLI ships: Release, linux-x64, self-contained,
# composite ReadyToRun (bench/ingest/publish.sh), with the CLI's runtime settings (tiered PGO off, as the CLI
# ships since this benchmark showed it costs ReadyToRun code CPU). A second Lockstep row runs the
# same binary with DOTNET_TieredPGO=1 for comparison. BEFORE=REF (a commit, e.g. BEFORE=ae0e1c6) also builds that commit's IngestBench
# the way it was measured then (dotnet build, JIT) from `git archive` and runs it in the same loop.
#
# PIPELINE=1 also publishes the lockstep CLI the same way (bench/core/publish.sh) and
# times `lockstep run --force` on a one-step pipeline (the ingest step with the same options) in a
# fresh workspace: what a user runs, including the store, hashing the source, the statistics file
# and the HTML report.
#
# usage: [BEFORE=REF] [PIPELINE=1] bench/ingest/run.sh [REPEAT]   (from the repository root; needs python3-pandas)
set -euo pipefail
cd "$(dirname "$0")/../.."
REPEAT=${1:-3}
PEERS=${PEERS:-../shared/bench-peers}
[ -f "$PEERS/ingest_stats.py" ] || PEERS=/work/shared/bench-peers
PY=/usr/bin/python3
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
bench/ingest/publish.sh "$OUT/r2r"
LOCKSTEP="$OUT/r2r/IngestBench"
if [ -n "${BEFORE:-}" ]; then
  mkdir -p "$OUT/before-src"
  git archive "$BEFORE" | tar -x -C "$OUT/before-src"
  dotnet build -c Release "$OUT/before-src/bench/ingest/IngestBench" -v q -nologo >/dev/null
  OLD="$OUT/before-src/bench/ingest/IngestBench/bin/Release/net10.0/IngestBench"
fi
if [ -n "${PIPELINE:-}" ]; then
  bench/core/publish.sh "$OUT/cli"
  for name in adult kdd; do
    mkdir -p "$OUT/ws-$name"
    case $name in
      adult) src="$PWD/data/adult/adult.data"; extra='missing: ["", "?"]' ;;
      kdd) src="$PWD/data/kddcup99_10pct/kddcup.data_10_percent.gz"; extra='missing: [""]' ;;
    esac
    cat > "$OUT/ws-$name/lockstep.yaml" <<YAML
version: 1
name: ingest-bench-$name
steps:
  - id: ingest
    type: ingest
    inputs: { source: $src }
    params: { header: false, delimiter: ",", trim: true, $extra }
YAML
    "$OUT/cli/lockstep" -w "$OUT/ws-$name" run >/dev/null # creates the store; later runs use --force
  done
fi
echo "load: $(uptime)"
measure() { # tag command...
  local tag=$1; shift
  /usr/bin/time -f "%e %U %S %M" -o "$OUT/t" "$@" > "$OUT/o" 2>/dev/null
  read -r wall user sys rss < "$OUT/t"
  echo "$tag $wall $(echo "$user + $sys" | bc) $rss" >> "$OUT/all"
  printf '  %-15s wall %6.2fs  cpu %6.2fs  peak RSS %7.1f MiB   %s\n' "$tag" "$wall" "$(echo "$user + $sys" | bc)" "$(echo "$rss / 1024" | bc -l)" "$(head -1 "$OUT/o" | cut -c1-110)"
}
bench() { # label workspace file lockstep-args -- pandas-args
  local label=$1 ws=$2 file=$3; shift 3
  local ls_args=() pd_args=()
  while [ "$1" != "--" ]; do ls_args+=("$1"); shift; done; shift
  pd_args=("$@")
  : > "$OUT/all"
  echo "== $label ($file), $REPEAT runs each"
  for _ in $(seq "$REPEAT"); do
    [ -n "${OLD:-}" ] && measure before "$OLD" "$file" "${ls_args[@]}"
    measure lockstep "$LOCKSTEP" "$file" "${ls_args[@]}"
    measure lockstep-pgo env DOTNET_TieredPGO=1 "$LOCKSTEP" "$file" "${ls_args[@]}"
    [ -n "${PIPELINE:-}" ] && measure lockstep-run "$OUT/cli/lockstep" -w "$OUT/ws-$ws" run --force
    measure pandas "$PY" "$PEERS/ingest_stats.py" "$file" "${pd_args[@]}"
  done
  "$PY" - "$OUT/all" <<'PY'
import sys, statistics as st
rows = [l.split() for l in open(sys.argv[1])]
tags = [t for t in ("before", "lockstep", "lockstep-pgo", "lockstep-run") if any(r[0] == t for r in rows)]
def med(tag, i): return st.median(float(r[i]) for r in rows if r[0] == tag)
for name, i, unit in (("wall time", 1, "s"), ("CPU time", 2, "s"), ("peak RSS", 3, "KiB")):
    p = med("pandas", i)
    print(f"  median {name} ({unit}): pandas {p:.2f}; " + "; ".join(f"{t} {med(t, i):.2f} (pandas/{t} = {p / med(t, i):.2f}x)" for t in tags))
PY
}
bench "adult.data" adult data/adult/adult.data --no-header --sep , --na '?' -- --no-header --na '?'
bench "KDD Cup 10%" kdd data/kddcup99_10pct/kddcup.data_10_percent.gz --no-header -- --no-header
echo "memory floor (a process that loads the same assemblies and does no work):"
measure floor "$LOCKSTEP" floor
echo "load: $(uptime)"
