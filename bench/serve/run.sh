#!/usr/bin/env bash
# Serving benchmark, all in one run on 127.0.0.1:
#   1. Lockstep's server (`lockstep serve adult.lsb`: validation, preprocessing, LightGBM, durable
#      prediction log with synchronous=FULL group commit),
#   2. the peer (../shared/bench-peers/adult_serve.py on uvicorn: FastAPI + scikit-learn),
#   3. the ceiling (bench/serve/Ceiling: Kestrel minimal API that parses the JSON and answers a constant),
# each loaded by wrk with the same adult row; then a rate-bounded run at ~1,000 req/s for p99; then
# batch scoring of adult.test through `lockstep predict` against the peer's batch predict.
# Needs: dotnet, wrk, python3-sklearn python3-pandas python3-fastapi uvicorn python3-joblib.
# Usage: bench/serve/run.sh [DURATION_SECONDS] [CONNECTIONS]     (defaults 10 and 256)
set -euo pipefail
DUR=${1:-10}
CONN=${2:-256}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
PEERS=${PEERS:-$ROOT/../../shared/bench-peers}
[ -d "$PEERS" ] || PEERS=/work/shared/bench-peers
DATA=$ROOT/data/adult
WORK=$(mktemp -d /tmp/lockstep-bench-serve.XXXXXX)
export LOCKSTEP_BENCH_DIR=$HERE
PIDS=()
cleanup() { for p in "${PIDS[@]:-}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

echo "# building (Release)" >&2
dotnet build -c Release "$ROOT/src/Lockstep.Cli" -v q -nologo >/dev/null
dotnet build -c Release "$HERE/Ceiling" -v q -nologo >/dev/null
dotnet build -c Release "$HERE/TrainAdult" -v q -nologo >/dev/null
LOCKSTEP="dotnet $ROOT/src/Lockstep.Cli/bin/Release/net10.0/lockstep.dll"

echo "# training both models on adult.data" >&2
dotnet "$HERE/TrainAdult/bin/Release/net10.0/Lockstep.Bench.TrainAdult.dll" "$DATA" "$WORK/adult.lsb" >&2
PEER_TRAIN=$(cd "$PEERS" && /usr/bin/python3 adult_train.py "$DATA" "$WORK/adult.joblib")
echo "peer training: $PEER_TRAIN" >&2

mkdir -p "$WORK/ws" && (cd "$WORK/ws" && $LOCKSTEP init --name bench >/dev/null)

wait_up() { for _ in $(seq 1 300); do curl -s -o /dev/null "$1" && return 0; sleep 0.1; done; echo "server at $1 did not start" >&2; return 1; }
rps() { grep -E '^Requests/sec' "$1" | awk '{print $2}'; }
lat() { grep -E "^ +$2%" "$1" | awk '{print $2}'; }

run_wrk() { # name url outfile [lua] [extra...]
  local name=$1 url=$2 out=$3 lua=${4:-$HERE/post.lua}; shift 4 || true
  wrk -t2 -c"$CONN" -d"${DUR}s" --timeout 30s --latency -s "$lua" "$@" "$url" > "$out"
  echo "## $name" >&2; cat "$out" >&2
}

# 1. Lockstep, with the log fsynced per group commit (full, the default) and without (process)
for MODE in full process; do
  $LOCKSTEP -w "$WORK/ws" serve "$WORK/adult.lsb" --name adult --port 8701 --log-durability $MODE > "$WORK/lockstep-$MODE.log" 2>&1 & PIDS+=($!)
  wait_up http://127.0.0.1:8701/ready
  # warm-up (JIT, engine pool), not measured
  wrk -t2 -c"$CONN" -d3s --timeout 30s -s "$HERE/post.lua" http://127.0.0.1:8701/v1/models/adult/predict >/dev/null
  run_wrk "lockstep ($MODE)" http://127.0.0.1:8701/v1/models/adult/predict "$WORK/wrk-lockstep-$MODE.txt" "$HERE/post.lua"
  # ~1,000 req/s: 20 connections, each waiting 20 ms after every answer.
  DELAY_MS=20 wrk -t1 -c20 -d"${DUR}s" --timeout 30s --latency -s "$HERE/post-rate.lua" http://127.0.0.1:8701/v1/models/adult/predict > "$WORK/wrk-lockstep-$MODE-1k.txt"
  echo "## lockstep ($MODE) at <=1k req/s" >&2; cat "$WORK/wrk-lockstep-$MODE-1k.txt" >&2
  curl -s http://127.0.0.1:8701/metrics | grep -E '^lockstep_(predicted_rows_total|requests_total)' >&2
  kill "${PIDS[-1]}"; wait "${PIDS[-1]}" 2>/dev/null || true
done
LOGGED=$(sqlite3 "$(find "$WORK/ws" -name lockstep.db | head -1)" 'select count(*) from predictions')

# 2. Peer
(cd "$PEERS" && PEER_MODEL="$WORK/adult.joblib" /usr/bin/python3 -m uvicorn adult_serve:app --host 127.0.0.1 --port 8711 --log-level warning) > "$WORK/peer.log" 2>&1 & PIDS+=($!)
for _ in $(seq 1 300); do curl -s -o /dev/null -X POST -H 'Content-Type: application/json' -d '{}' http://127.0.0.1:8711/predict && break; sleep 0.1; done
wrk -t1 -c8 -d3s --timeout 30s -s "$HERE/post.lua" http://127.0.0.1:8711/predict >/dev/null
# The peer's own setting first (bench-peers/README: wrk -t1 -c8; one Python worker does better
# with few connections), then the same -c as the others; ratios use the faster of the two.
wrk -t1 -c8 -d"${DUR}s" --timeout 30s --latency -s "$HERE/post.lua" http://127.0.0.1:8711/predict > "$WORK/wrk-peer-c8.txt"
echo "## peer (-c8)" >&2; cat "$WORK/wrk-peer-c8.txt" >&2
run_wrk peer http://127.0.0.1:8711/predict "$WORK/wrk-peer.txt" "$HERE/post.lua"
kill "${PIDS[-1]}"; wait "${PIDS[-1]}" 2>/dev/null || true

# 3. Ceiling
dotnet "$HERE/Ceiling/bin/Release/net10.0/Lockstep.Bench.Ceiling.dll" 8721 > "$WORK/ceiling.log" 2>&1 & PIDS+=($!)
for _ in $(seq 1 300); do curl -s -o /dev/null -X POST -H 'Content-Type: application/json' -d '{}' http://127.0.0.1:8721/predict && break; sleep 0.1; done
wrk -t2 -c"$CONN" -d3s --timeout 30s -s "$HERE/post.lua" http://127.0.0.1:8721/predict >/dev/null
run_wrk ceiling http://127.0.0.1:8721/predict "$WORK/wrk-ceiling.txt" "$HERE/post.lua"
kill "${PIDS[-1]}"; wait "${PIDS[-1]}" 2>/dev/null || true

# 4. Batch scoring of adult.test
BATCH=$($LOCKSTEP -w "$WORK/ws" --json predict "$WORK/adult.lsb" --name adult --input "$DATA/adult.test" --output "$WORK/scores.csv" \
  --columns age,workclass,fnlwgt,education,education-num,marital-status,occupation,relationship,race,sex,capital-gain,capital-loss,hours-per-week,native-country,income --drop income || true)
echo "lockstep batch: $BATCH" >&2
# The same with full JIT up front: a 16k-row run is short enough that tiered compilation (tier-0
# code, then PGO instrumentation) dominates it.
BATCH_NOTIER=$(DOTNET_TieredCompilation=0 $LOCKSTEP -w "$WORK/ws" --json predict "$WORK/adult.lsb" --name adult --input "$DATA/adult.test" --output "$WORK/scores2.csv" \
  --columns age,workclass,fnlwgt,education,education-num,marital-status,occupation,relationship,race,sex,capital-gain,capital-loss,hours-per-week,native-country,income --drop income || true)
echo "lockstep batch (TieredCompilation=0): $BATCH_NOTIER" >&2

python3 - "$WORK" "$PEER_TRAIN" "$BATCH" "$LOGGED" "$CONN" "$DUR" "$BATCH_NOTIER" <<'PY'
import json, re, sys
work, peer_train, batch, logged, conn, dur, batch2 = sys.argv[1:8]
def parse(path):
    t = open(path).read()
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", t).group(1))
    def lat(p):
        m = re.search(r"^\s+%s%%\s+([\d.]+)(us|ms|s)" % p, t, re.M)
        v, u = float(m.group(1)), m.group(2)
        return v / 1000 if u == "us" else v * 1000 if u == "s" else v
    errs = re.search(r"Non-2xx or 3xx responses: (\d+)", t)
    sock = re.search(r"Socket errors: (.*)", t)
    return {"rps": rps, "p50_ms": lat(50), "p99_ms": lat(99), "non2xx": int(errs.group(1)) if errs else 0, "socket_errors": sock.group(1) if sock else None}
L, LP, P256, P8, C, L1k, LP1k = (parse(f"{work}/wrk-{n}.txt") for n in ("lockstep-full", "lockstep-process", "peer", "peer-c8", "ceiling", "lockstep-full-1k", "lockstep-process-1k"))
P = P256 if P256["rps"] >= P8["rps"] else P8
peer = json.loads(peer_train); b = json.loads(batch); b2 = json.loads(batch2)
out = {
    "connections": int(conn), "duration_s": int(dur),
    "lockstep_full": L, "lockstep_process": LP, "peer": P256, "peer_c8": P8, "ceiling": C,
    "lockstep_full_at_1k": L1k, "lockstep_process_at_1k": LP1k,
    "full_vs_peer": L["rps"] / P["rps"] if P["rps"] else None, "full_vs_ceiling": L["rps"] / C["rps"],
    "process_vs_peer": LP["rps"] / P["rps"] if P["rps"] else None, "process_vs_ceiling": LP["rps"] / C["rps"],
    "batch": {"lockstep_rows_per_s": b["rows_per_second"], "peer_rows_per_s": peer["predict_rows_per_s"],
              "ratio": b["rows_per_second"] / peer["predict_rows_per_s"], "rows": b["rows"], "scored": b["scored"], "invalid": b["invalid"],
              "lockstep_no_tiering_rows_per_s": b2["rows_per_second"], "no_tiering_ratio": b2["rows_per_second"] / peer["predict_rows_per_s"]},
    "predictions_logged_by_server": logged,
}
print(json.dumps(out, indent=2))
PY
