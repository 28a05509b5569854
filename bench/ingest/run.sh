#!/usr/bin/env bash
# Ingest + full statistics: Lockstep (IngestBench: snapshot/1 Parquet + statistics/1) against
# pandas (bench-peers/ingest_stats.py: read_csv + describe + missing + top categories), same files,
# same run, alternating, REPEAT times each. Prints per-run figures and median ratios.
# usage: bench/ingest/run.sh [REPEAT]   (from the repository root; needs python3-pandas)
set -euo pipefail
cd "$(dirname "$0")/../.."
REPEAT=${1:-3}
PEERS=${PEERS:-../shared/bench-peers}
[ -f "$PEERS/ingest_stats.py" ] || PEERS=/work/shared/bench-peers
dotnet build -c Release bench/ingest/IngestBench -v q -nologo >/dev/null
LOCKSTEP=bench/ingest/IngestBench/bin/Release/net10.0/IngestBench
OUT=$(mktemp -d)
measure() { # name file args...
  local tag=$1; shift
  /usr/bin/time -f "%e %U %S %M" -o "$OUT/t" "$@" > "$OUT/o" 2>/dev/null
  read -r wall user sys rss < "$OUT/t"
  echo "$tag $wall $(echo "$user + $sys" | bc) $rss" >> "$OUT/all"
  printf '  %-9s wall %6.2fs  cpu %6.2fs  peak RSS %7.1f MiB   %s\n' "$tag" "$wall" "$(echo "$user + $sys" | bc)" "$(echo "$rss / 1024" | bc -l)" "$(cat "$OUT/o")"
}
bench() { # label file lockstep-args -- pandas-args
  local label=$1 file=$2; shift 2
  local ls_args=() pd_args=()
  while [ "$1" != "--" ]; do ls_args+=("$1"); shift; done; shift
  pd_args=("$@")
  : > "$OUT/all"
  echo "== $label ($file), $REPEAT runs each"
  for _ in $(seq "$REPEAT"); do
    measure lockstep "$LOCKSTEP" "$file" "${ls_args[@]}"
    measure pandas /usr/bin/python3 "$PEERS/ingest_stats.py" "$file" "${pd_args[@]}"
  done
  python3 - "$OUT/all" <<'PY'
import sys, statistics as st
rows = [l.split() for l in open(sys.argv[1])]
def med(tag, i): return st.median(float(r[i]) for r in rows if r[0] == tag)
for name, i in (("wall time", 1), ("CPU time", 2), ("peak RSS", 3)):
    l, p = med("lockstep", i), med("pandas", i)
    print(f"  median {name}: lockstep {l:.2f}, pandas {p:.2f} -> pandas/lockstep = {p / l:.2f}x")
PY
}
bench "adult.data" data/adult/adult.data --no-header --sep , --na '?' -- --no-header --na '?'
bench "KDD Cup 10%" data/kddcup99_10pct/kddcup.data_10_percent.gz --no-header -- --no-header
rm -rf "$OUT"
