#!/usr/bin/env bash
# Tail latency at ~1,000 requests/s, alone: Lockstep's server and the ceiling (bench/serve/Ceiling)
# in the same run, REPS rounds of DUR seconds each, alternating servers within each round so that
# load from elsewhere on the machine hits both alike. Same load as bench/serve/run.sh's bounded
# runs: wrk -t1 -c20, each connection waiting 20 ms after every answer, posting one adult row.
#
# Usage: bench/serve/p99.sh [REPS] [DUR]                  (defaults 5 and 10)
# A/B comparisons: set B_CMD (and/or B_ENV) and a second Lockstep server joins every round:
#   A_CMD   how to start lockstep (default: the ReadyToRun publish bench/core/publish.sh makes)
#   A_ENV   environment for A, e.g. "DOTNET_gcServer=1"   B_CMD / B_ENV: the same for B
#   SERVE_ARGS  extra arguments to `lockstep serve` (both), e.g. "--log-durability full"
#   BUNDLE  an existing adult bundle (default: trained here by bench/serve/TrainAdult)
#   FLAT=1  measure throughput instead: wrk -t2 -c256 flat out (post.lua), same rounds and servers;
#           req/s is then the figure to compare (the latency columns are at saturation)
# Prints one line per wrk run (with the server's CPU time, user + system from /proc, per answered
# request in µs: the figure to compare on a busy machine) and a summary (median and worst p99,
# median req/s and CPU per request, per server) on stdout.
set -euo pipefail
REPS=${1:-5}
DUR=${2:-10}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
WORK=$(mktemp -d /tmp/lockstep-p99.XXXXXX)
export LOCKSTEP_BENCH_DIR=$HERE
PIDS=()
cleanup() { for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

dotnet build -c Release "$HERE/Ceiling" -v q -nologo >/dev/null
if [ -z "${A_CMD:-}" ]; then
  echo "# publishing the CLI as it ships (ReadyToRun)" >&2
  "$ROOT/bench/core/publish.sh" "$WORK/r2r"
  A_CMD="dotnet $WORK/r2r/lockstep.dll"
fi
if [ -z "${BUNDLE:-}" ]; then
  dotnet build -c Release "$HERE/TrainAdult" -v q -nologo >/dev/null
  BUNDLE=$WORK/adult.lsb
  dotnet "$HERE/TrainAdult/bin/Release/net10.0/Lockstep.Bench.TrainAdult.dll" "$ROOT/data/adult" "$BUNDLE" >&2
fi

wait_up() { for _ in $(seq 1 300); do curl -s -o /dev/null -X POST -H 'Content-Type: application/json' -d '{}' "$1" && return 0; sleep 0.1; done; echo "server at $1 did not start" >&2; return 1; }

NAMES=(); URLS=()
start_lockstep() { # name port cmd env
  local ws=$WORK/ws-$1
  mkdir -p "$ws"
  (cd "$ws" && $3 init --name bench >/dev/null)
  # shellcheck disable=SC2086
  env ${4:-} $3 -w "$ws" serve "$BUNDLE" --name adult --port "$2" ${SERVE_ARGS:-} > "$WORK/$1.log" 2>&1 & PIDS+=($!)
  NAMES+=("$1"); URLS+=("http://127.0.0.1:$2/v1/models/adult/predict")
}
start_lockstep A 8731 "$A_CMD" "${A_ENV:-}"
if [ -n "${B_CMD:-}${B_ENV:-}" ]; then
  start_lockstep B 8732 "${B_CMD:-$A_CMD}" "${B_ENV:-}"
fi
dotnet "$HERE/Ceiling/bin/Release/net10.0/Lockstep.Bench.Ceiling.dll" 8733 > "$WORK/ceiling.log" 2>&1 & PIDS+=($!)
NAMES+=(ceiling); URLS+=(http://127.0.0.1:8733/predict)

for u in "${URLS[@]}"; do
  wait_up "$u"
  # warm-up (JIT, tiering, engines): 3 s flat out, then 3 s at the measured rate
  wrk -t1 -c20 -d3s --timeout 30s -s "$HERE/post.lua" "$u" >/dev/null
  DELAY_MS=20 wrk -t1 -c20 -d3s --timeout 30s -s "$HERE/post-rate.lua" "$u" >/dev/null
done

ms() { # wrk latency cell (e.g. 812.00us, 1.23ms, 1.01s) in ms
  awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /[0-9]s$/) n *= 1000; printf "%.2f", n }'
}
echo "# $(date -u +%FT%TZ) uptime:$(uptime | sed 's/.*load average//')  reps=$REPS dur=${DUR}s  A_ENV='${A_ENV:-}' B_ENV='${B_ENV:-}' SERVE_ARGS='${SERVE_ARGS:-}'"
printf '%-8s %4s %8s %7s %7s %7s %8s %6s %7s\n' server rep req/s p50 p90 p99 max non2xx cpu/req
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; } # user + system clock ticks of a server process
HZ=$(getconf CLK_TCK)
for rep in $(seq 1 "$REPS"); do
  for i in "${!URLS[@]}"; do
    out=$WORK/wrk-${NAMES[$i]}-$rep.txt
    t0=$(ticks "${PIDS[$i]}")
    if [ -n "${FLAT:-}" ]; then
      wrk -t2 -c256 -d"${DUR}s" --timeout 30s --latency -s "$HERE/post.lua" "${URLS[$i]}" > "$out"
    else
      DELAY_MS=20 wrk -t1 -c20 -d"${DUR}s" --timeout 30s --latency -s "$HERE/post-rate.lua" "${URLS[$i]}" > "$out"
    fi
    rps=$(awk '/^Requests\/sec/ {print $2}' "$out")
    p50=$(ms "$(awk '$1 == "50%" {print $2}' "$out")")
    p90=$(ms "$(awk '$1 == "90%" {print $2}' "$out")")
    p99=$(ms "$(awk '$1 == "99%" {print $2}' "$out")")
    max=$(ms "$(awk '$1 == "Latency" {print $4}' "$out")")
    bad=$(awk '/Non-2xx/ {print $NF}' "$out"); bad=${bad:-0}
    # the server's CPU (user + system) per answered request, in µs: less noisy than latency on a busy machine
    cpu=$(awk -v t="$(( $(ticks "${PIDS[$i]}") - t0 ))" -v hz="$HZ" '/requests in/ { printf "%.0f", t / hz * 1e6 / $1 }' "$out")
    printf '%-8s %4s %8s %7s %7s %7s %8s %6s %7s\n' "${NAMES[$i]}" "$rep" "$rps" "$p50" "$p90" "$p99" "$max" "$bad" "$cpu" | tee -a "$WORK/runs.txt"
  done
done
echo "# summary (ms): median and worst of the p99s, median p50; uptime:$(uptime | sed 's/.*load average//')"
for n in "${NAMES[@]}"; do
  p99s=$(awk -v n="$n" '$1 == n { print $6 }' "$WORK/runs.txt" | sort -g | tr '\n' ' ')
  p50s=$(awk -v n="$n" '$1 == n { print $4 }' "$WORK/runs.txt" | sort -g | tr '\n' ' ')
  echo "$n $p99s| $p50s" | awk '{ k = (NF - 1) / 2; printf "%-8s p99 median %s worst %s  p50 median %s   (p99s: %s)\n", $1, $(1 + int((k + 1) / 2)), $(1 + k), $(k + 2 + int((k + 1) / 2)), substr($0, length($1) + 2, index($0, "|") - length($1) - 3) }'
  rpss=$(awk -v n="$n" '$1 == n { print $3 }' "$WORK/runs.txt" | sort -g | tr '\n' ' ')
  echo "$n $rpss" | awk '{ printf "%-8s req/s median %s   (all: %s)\n", $1, $(2 + int((NF - 2) / 2)), substr($0, length($1) + 2) }'
  cpus=$(awk -v n="$n" '$1 == n { print $9 }' "$WORK/runs.txt" | sort -g | tr '\n' ' ')
  echo "$n $cpus" | awk '{ printf "%-8s CPU µs/request median %s   (all: %s)\n", $1, $(2 + int((NF - 2) / 2)), substr($0, length($1) + 2) }'
done
for n in A B; do
  [ -f "$WORK/$n.log" ] && [ -s "$WORK/$n.log" ] && { echo "# server $n log:"; tail -5 "$WORK/$n.log"; }
done
echo "# work folder: $WORK" >&2
