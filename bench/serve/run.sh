#!/usr/bin/env bash
# Serving benchmark, all in one run on 127.0.0.1:
#   1. Lockstep's server (`lockstep serve adult.lsb`: validation, preprocessing, LightGBM, durable
#      prediction log by group commit), with the default log durability (process: a commit reached
#      the OS before the answer; survives SIGKILL) and with --log-durability full (fsync per commit),
#   2. the peer (../shared/bench-peers/adult_serve.py on uvicorn: FastAPI + scikit-learn),
#   3. the ceiling (bench/serve/Ceiling: Kestrel minimal API that parses the JSON and answers a constant),
# each loaded by wrk with the same adult row; then rate-bounded runs at ~1,000 req/s for p99 (Lockstep
# and the ceiling); then batch scoring of adult.test through `lockstep predict` (JIT build and a
# ReadyToRun publish made by bench/core/publish.sh) against the peer's batch predict.
# Needs: dotnet, wrk, python3-sklearn python3-pandas python3-fastapi uvicorn python3-joblib.
# Usage: [LOCKSTEP_BIN=DIR] bench/serve/run.sh [DURATION_SECONDS] [CONNECTIONS]     (defaults 10 and 256)
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

# LOCKSTEP_BIN=DIR measures an already published build (e.g. artifacts/lockstep from scripts/demo.sh).
if [ -n "${LOCKSTEP_BIN:-}" ]; then
  LOCKSTEP_R2R="$LOCKSTEP_BIN/lockstep"
else
  echo "# publishing the CLI as it ships (ReadyToRun, bench/core/publish.sh): the server and the batch runs use it" >&2
  "$ROOT/bench/core/publish.sh" "$WORK/r2r"
  LOCKSTEP_R2R="$WORK/r2r/lockstep"
fi

echo "# training both models on adult.data" >&2
dotnet "$HERE/TrainAdult/bin/Release/net10.0/Lockstep.Bench.TrainAdult.dll" "$DATA" "$WORK/adult.lsb" >&2
PEER_TRAIN=$(cd "$PEERS" && /usr/bin/python3 adult_train.py "$DATA" "$WORK/adult.joblib")
echo "peer training: $PEER_TRAIN" >&2

mkdir -p "$WORK/ws" && (cd "$WORK/ws" && $LOCKSTEP init --name bench >/dev/null)

wait_up() { for _ in $(seq 1 300); do curl -s -o /dev/null "$1" && return 0; sleep 0.1; done; echo "server at $1 did not start" >&2; return 1; }
rps() { grep -E '^Requests/sec' "$1" | awk '{print $2}'; }
lat() { grep -E "^ +$2%" "$1" | awk '{print $2}'; }

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
run_wrk() { # name url outfile [lua] [extra...]; with SERVER_PID set, also the server's CPU per request
  local name=$1 url=$2 out=$3 lua=${4:-$HERE/post.lua}; shift 4 || true
  local before=0; [ -n "${SERVER_PID:-}" ] && before=$(cpu_ticks "$SERVER_PID")
  wrk -t2 -c"$CONN" -d"${DUR}s" --timeout 30s --latency -s "$lua" "$@" "$url" > "$out"
  # CPU time (user + system) the server spent per answered request: far less sensitive to other
  # load on the machine than requests/s, which depend on how the scheduler shares the cores.
  [ -n "${SERVER_PID:-}" ] && echo "Server CPU ticks: $(( $(cpu_ticks "$SERVER_PID") - before )) at $(getconf CLK_TCK)/s" >> "$out"
  echo "## $name" >&2; cat "$out" >&2
}

# 1. Lockstep with the default durability (process) and with an fsync per group commit (full)
for MODE in process full; do
  $LOCKSTEP_R2R -w "$WORK/ws" serve "$WORK/adult.lsb" --name adult --port 8701 --log-durability $MODE > "$WORK/lockstep-$MODE.log" 2>&1 & PIDS+=($!)
  wait_up http://127.0.0.1:8701/ready
  # warm-up (JIT, engine pool), not measured
  wrk -t2 -c"$CONN" -d3s --timeout 30s -s "$HERE/post.lua" http://127.0.0.1:8701/v1/models/adult/predict >/dev/null
  SERVER_PID=${PIDS[-1]} run_wrk "lockstep ($MODE)" http://127.0.0.1:8701/v1/models/adult/predict "$WORK/wrk-lockstep-$MODE.txt" "$HERE/post.lua"
  # ~1,000 req/s: 20 connections, each waiting 20 ms after every answer (closed loop: latency is
  # send-to-answer per request, without wrk2's coordinated-omission correction).
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
SERVER_PID=${PIDS[-1]} run_wrk ceiling http://127.0.0.1:8721/predict "$WORK/wrk-ceiling.txt" "$HERE/post.lua"
# The same bounded load on the ceiling: the tail this machine gives an endpoint that does nothing.
DELAY_MS=20 wrk -t1 -c20 -d"${DUR}s" --timeout 30s --latency -s "$HERE/post-rate.lua" http://127.0.0.1:8721/predict > "$WORK/wrk-ceiling-1k.txt"
echo "## ceiling at <=1k req/s" >&2; cat "$WORK/wrk-ceiling-1k.txt" >&2
kill "${PIDS[-1]}"; wait "${PIDS[-1]}" 2>/dev/null || true

# 4. Batch scoring of adult.test: whole command and the scoring phase (first row parsed to last
# row written and committed to the log), best of 3, with the JIT build and the ReadyToRun publish.
COLS=age,workclass,fnlwgt,education,education-num,marital-status,occupation,relationship,race,sex,capital-gain,capital-loss,hours-per-week,native-country,income
batch() { # cli outfile
  for _ in 1 2 3; do
    $1 -w "$WORK/ws" --json predict "$WORK/adult.lsb" --name adult --input "$DATA/adult.test" --output "$WORK/scores.csv" --columns $COLS --drop income || true
  done > "$2"
  echo "## lockstep predict ($2)" >&2; grep -E 'rows_per_second|_seconds' "$2" >&2
}
batch "$LOCKSTEP" "$WORK/batch-jit.json"
batch "$LOCKSTEP_R2R" "$WORK/batch-r2r.json"

python3 - "$WORK" "$PEER_TRAIN" "$LOGGED" "$CONN" "$DUR" <<'PY'
import json, re, sys
work, peer_train, logged, conn, dur = sys.argv[1:6]
def parse(path):
    t = open(path).read()
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", t).group(1))
    def lat(p):
        m = re.search(r"^\s+%s%%\s+([\d.]+)(us|ms|s)" % p, t, re.M)
        v, u = float(m.group(1)), m.group(2)
        return v / 1000 if u == "us" else v * 1000 if u == "s" else v
    errs = re.search(r"Non-2xx or 3xx responses: (\d+)", t)
    sock = re.search(r"Socket errors: (.*)", t)
    total = re.search(r"(\d+) requests in", t)
    cpu = re.search(r"Server CPU ticks: (\d+) at (\d+)/s", t)
    extra = {"server_cpu_us_per_request": int(cpu.group(1)) / int(cpu.group(2)) * 1e6 / int(total.group(1))} if cpu else {}
    return {**extra, "rps": rps, "p50_ms": lat(50), "p90_ms": lat(90), "p99_ms": lat(99), "non2xx": int(errs.group(1)) if errs else 0, "socket_errors": sock.group(1) if sock else None}
def runs(path):
    docs, buf = [], ""
    for line in open(path):
        buf += line
        if line.startswith("}"):
            docs.append(json.loads(buf)); buf = ""
    return docs
R = {n: parse(f"{work}/wrk-{n}.txt") for n in ("lockstep-process", "lockstep-full", "peer", "peer-c8", "ceiling", "lockstep-process-1k", "lockstep-full-1k", "ceiling-1k")}
P = R["peer"] if R["peer"]["rps"] >= R["peer-c8"]["rps"] else R["peer-c8"]
C = R["ceiling"]
peer = json.loads(peer_train)
def batch(path):
    d = runs(path)
    best = max(d, key=lambda x: x["scoring_rows_per_second"])
    bestc = max(d, key=lambda x: x["command_rows_per_second"])
    return {"rows": best["rows"], "scored": best["scored"], "invalid": best["invalid"],
            "scoring_rows_per_s": best["scoring_rows_per_second"], "command_rows_per_s": bestc["command_rows_per_second"],
            "phases_of_best": best["phases"],
            "scoring_vs_peer": best["scoring_rows_per_second"] / peer["predict_rows_per_s"],
            "command_vs_peer": bestc["command_rows_per_second"] / peer["predict_rows_per_s"]}
out = {
    "connections": int(conn), "duration_s": int(dur), "wrk": R,
    "process_vs_peer": R["lockstep-process"]["rps"] / P["rps"] if P["rps"] else None,
    "process_vs_ceiling": R["lockstep-process"]["rps"] / C["rps"],
    "process_vs_ceiling_by_server_cpu": C["server_cpu_us_per_request"] / R["lockstep-process"]["server_cpu_us_per_request"],
    "full_vs_peer": R["lockstep-full"]["rps"] / P["rps"] if P["rps"] else None,
    "full_vs_ceiling": R["lockstep-full"]["rps"] / C["rps"],
    "peer_batch_predict_rows_per_s": peer["predict_rows_per_s"],
    "batch_jit": batch(f"{work}/batch-jit.json"), "batch_r2r": batch(f"{work}/batch-r2r.json"),
    "predictions_logged_by_server": logged,
}
print(json.dumps(out, indent=2))
PY
