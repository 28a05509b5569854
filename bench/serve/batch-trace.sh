#!/usr/bin/env bash
# Interleaved A/B of published builds on adult.test with LOCKSTEP_TRACE_BATCH=1: per build the
# best and median scoring-phase wall time, the process CPU (all threads) spent in the scoring
# phase, and the summed worker phases and log insert/commit. CPU is the figure to compare on a
# shared machine: on 2 cores the wall time is about the scoring phase's CPU divided by two.
# Usage: bench/serve/batch-trace.sh RUNS BUILD_DIR...     (e.g. 25 /tmp/pub-batch6c /tmp/pub-s5)
# A build without the scoring-cpu figure (before session 6) shows the other columns only.
set -euo pipefail
RUNS=$1; shift
HERE=$(cd "$(dirname "$0")" && pwd)
DATA=$(cd "$HERE/../.." && pwd)/data/adult
WORK=$(mktemp -d /tmp/lockstep-batch-trace.XXXXXX)
COLS=age,workclass,fnlwgt,education,education-num,marital-status,occupation,relationship,race,sex,capital-gain,capital-loss,hours-per-week,native-country,income
dotnet build -c Release "$HERE/TrainAdult" -v q -nologo >/dev/null
dotnet "$HERE/TrainAdult/bin/Release/net10.0/Lockstep.Bench.TrainAdult.dll" "$DATA" "$WORK/adult.lsb" >&2
for b in "$@"; do n=$(basename "$b"); mkdir -p "$WORK/ws-$n"; (cd "$WORK/ws-$n" && "$b/lockstep" init --name bench >/dev/null); : > "$WORK/trace-$n.txt"; done
echo "# load before: $(cut -d' ' -f1-3 /proc/loadavg)"
for i in $(seq 1 "$RUNS"); do
  for b in "$@"; do
    n=$(basename "$b")
    # `|| true`: adult.test has one invalid row, which makes predict exit 1 after scoring the rest.
    { LOCKSTEP_TRACE_BATCH=1 "$b/lockstep" -w "$WORK/ws-$n" --json predict "$WORK/adult.lsb" --name adult --input "$DATA/adult.test" \
      --output "$WORK/out-$n.csv" --columns $COLS --drop income 2>&1 || true; } | grep -E "scoring_seconds|parse=" | tr '\n' ' ' >> "$WORK/trace-$n.txt"
    echo >> "$WORK/trace-$n.txt"
  done
done
echo "# load after: $(cut -d' ' -f1-3 /proc/loadavg)"
first=$(basename "$1")
for b in "$@"; do
  n=$(basename "$b")
  python3 - "$WORK/trace-$n.txt" "$n" <<'PY'
import re, statistics as st, sys
rows = [l for l in open(sys.argv[1]) if l.strip()]
wall = sorted(float(re.search(r'"scoring_seconds": ([\d.]+)', l).group(1)) * 1000 for l in rows)
out = [sys.argv[2], "scoring wall best %.1f / median %.1f ms" % (wall[0], st.median(wall))]
for k in ["scoring-cpu", "parse", "model", "csv", "block", "compress", "log-insert", "log-commit"]:
    v = sorted(float(m.group(1)) for l in rows if (m := re.search(k + r"=([\d.]+)ms", l)))
    if v:
        out.append("%s %.1f/%.1f" % (k, v[0], st.median(v)))
print(" | ".join(out))
PY
  cmp -s "$WORK/out-$n.csv" "$WORK/out-$first.csv" || echo "# $n: OUTPUT DIFFERS from $first's"
done
