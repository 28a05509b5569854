#!/usr/bin/env bash
# Batch scoring of adult.test through `lockstep predict` (ReadyToRun publish, as the CLI ships)
# against the peer's batch predict_proba (../shared/bench-peers/adult_train.py), side by side in
# one run: the peer's training script before and after the Lockstep runs (its predict rows/s
# moves with the machine's load; both are reported, ratios use their mean), then N `lockstep
# predict` runs, interleaved with a baseline build's runs when BASELINE is set (a folder with a
# published lockstep.dll, e.g. made from `git archive <commit>` with scripts/publish.sh).
# Prints one JSON summary on stdout: best scoring-phase and whole-command rows/s, the best
# user+system CPU seconds of the whole command, the ratios, and the load average before and after.
# Usage: bench/serve/batch.sh [RUNS]      (default 5)
# BUILD=DIR uses an already-published build instead of publishing this tree; BASELINE=DIR adds a
# second build, run interleaved with it. Each build runs through its `lockstep` executable (the
# shipped way; `dotnet lockstep.dll` for a framework-dependent folder without one).
set -euo pipefail
RUNS=${1:-5}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
PEERS=${PEERS:-$ROOT/../../shared/bench-peers}
[ -d "$PEERS" ] || PEERS=/work/shared/bench-peers
DATA=$ROOT/data/adult
WORK=$(mktemp -d /tmp/lockstep-bench-batch.XXXXXX)
COLS=age,workclass,fnlwgt,education,education-num,marital-status,occupation,relationship,race,sex,capital-gain,capital-loss,hours-per-week,native-country,income
LOAD_BEFORE=$(cut -d' ' -f1 /proc/loadavg)

if [ -n "${BUILD:-}" ]; then
  ln -s "$(cd "$BUILD" && pwd)" "$WORK/r2r"
else
  echo "# publishing the CLI (ReadyToRun)" >&2
  "$ROOT/scripts/publish.sh" "$WORK/r2r" >&2
fi
echo "# training the bundle" >&2
dotnet build -c Release "$HERE/TrainAdult" -v q -nologo >/dev/null
dotnet "$HERE/TrainAdult/bin/Release/net10.0/Lockstep.Bench.TrainAdult.dll" "$DATA" "$WORK/adult.lsb" >&2
PEER1=$(cd "$PEERS" && /usr/bin/python3 adult_train.py "$DATA" "$WORK/adult.joblib")

builds=("$WORK/r2r")
[ -n "${BASELINE:-}" ] && builds+=("$BASELINE")
run() { local b=$1; shift; if [ -x "$b/lockstep" ]; then "$b/lockstep" "$@"; else dotnet "$b/lockstep.dll" "$@"; fi; }
for b in "${builds[@]}"; do mkdir -p "$WORK/ws-$(basename "$b")" && (cd "$WORK/ws-$(basename "$b")" && run "$b" init --name bench >/dev/null); done
for i in $(seq 1 "$RUNS"); do
  for b in "${builds[@]}"; do
    name=$(basename "$b")
    exe=("$b/lockstep"); [ -x "$b/lockstep" ] || exe=(dotnet "$b/lockstep.dll")
    { /usr/bin/time -f "CPU %U %S" "${exe[@]}" -w "$WORK/ws-$name" --json predict "$WORK/adult.lsb" --name adult \
        --input "$DATA/adult.test" --output "$WORK/scores-$name.csv" --columns $COLS --drop income || true; } > "$WORK/run-$name-$i.txt" 2>&1
  done
done
PEER2=$(cd "$PEERS" && /usr/bin/python3 adult_train.py "$DATA" "$WORK/adult.joblib")
LOAD_AFTER=$(cut -d' ' -f1 /proc/loadavg)
[ -n "${BASELINE:-}" ] && { cmp -s "$WORK/scores-r2r.csv" "$WORK/scores-$(basename "$BASELINE").csv" && echo "# output identical to the baseline's" >&2 || echo "# OUTPUT DIFFERS from the baseline's" >&2; }

python3 - "$WORK" "$PEER1" "$PEER2" "$RUNS" "$LOAD_BEFORE" "$LOAD_AFTER" "${builds[@]}" <<'PY'
import json, re, sys, os
work, p1, p2, runs, load1, load2, *builds = sys.argv[1:]
peers = [json.loads(p1)["predict_rows_per_s"], json.loads(p2)["predict_rows_per_s"]]
peer = sum(peers) / 2
out = {"runs": int(runs), "load_average_before_after": [float(load1), float(load2)], "peer_predict_rows_per_s_before_after": peers}
for b in builds:
    name = os.path.basename(b)
    docs = []
    for i in range(1, int(runs) + 1):
        t = open(f"{work}/run-{name}-{i}.txt").read()
        j = json.loads(t[t.index("{"):t.rindex("}") + 1])
        cpu = re.search(r"CPU ([\d.]+) ([\d.]+)", t)
        docs.append((j, float(cpu.group(1)) + float(cpu.group(2))))
    best = max(d[0]["scoring_rows_per_second"] for d in docs)
    bestc = max(d[0]["command_rows_per_second"] for d in docs)
    out[name] = {"rows": docs[0][0]["rows"], "scored": docs[0][0]["scored"],
                 "best_scoring_rows_per_s": best, "best_command_rows_per_s": bestc,
                 "best_command_cpu_s": min(d[1] for d in docs),
                 "all_scoring_seconds": [d[0]["phases"]["scoring_seconds"] for d in docs],
                 "scoring_vs_peer": best / peer, "command_vs_peer": bestc / peer}
print(json.dumps(out, indent=2))
PY
