#!/usr/bin/env bash
# Training benchmark: Lockstep's adult pipeline vs the scikit-learn peer (adult_train.py) and vs a
# hand-written ML.NET program (MlNetBaseline), interleaved in the same run, N rounds each.
# Usage: bench/train/run.sh [ROUNDS]        (from the repository root; needs python3-sklearn/pandas/joblib)
#        R2R=1 bench/train/run.sh [ROUNDS]  both .NET programs published ReadyToRun (linux-x64,
#                                           framework-dependent) instead of built with the JIT
# Both .NET programs are always built the same way, so the comparison is like with like.
set -euo pipefail
ROUNDS=${1:-3}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
PEERS=${PEERS:-$ROOT/../shared/bench-peers}
[ -f "$PEERS/adult_train.py" ] || PEERS=/work/shared/bench-peers
cd "$ROOT"
BIN="$ROOT/bench/out/train"
OUT=$(mktemp -d)
if [ "${R2R:-0}" = 1 ]; then
  # A restore for linux-x64 adds a runtime section to the committed lock files: keep copies and put
  # them back when the script ends, so the benchmark leaves the checkout as it found it.
  LOCKS="$OUT/locks"
  find src bench -name packages.lock.json | while read -r f; do mkdir -p "$LOCKS/$(dirname "$f")"; cp "$f" "$LOCKS/$f"; done
  trap 'cp -r "$LOCKS"/. "$ROOT"/' EXIT
  BUILD="ReadyToRun (dotnet publish -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true)"
  for p in src/Lockstep.Cli:cli bench/train/MlNetBaseline:baseline; do
    dotnet publish -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true \
      "${p%%:*}" -o "$BIN/${p##*:}" -v q -nologo > "$OUT/publish.log" || { cat "$OUT/publish.log"; exit 1; }
  done
  LOCKSTEP="dotnet $BIN/cli/lockstep.dll"; BASELINE="dotnet $BIN/baseline/MlNetBaseline.dll"
else
  BUILD="JIT (dotnet build -c Release)"
  dotnet build -c Release src/Lockstep.Cli -v q -nologo >/dev/null
  dotnet build -c Release bench/train/MlNetBaseline -v q -nologo >/dev/null
  LOCKSTEP="dotnet $ROOT/src/Lockstep.Cli/bin/Release/net10.0/lockstep.dll"
  BASELINE="dotnet $ROOT/bench/train/MlNetBaseline/bin/Release/net10.0/MlNetBaseline.dll"
fi
TIME="/usr/bin/time -f %e,%U,%S -o $OUT/time"
# wall,user,sys of the last timed command as JSON fields
timed() { python3 -c "w,u,s=open('$OUT/time').read().strip().split('\n')[-1].split(','); print('\"proc_wall_s\": %s, \"proc_cpu_s\": %.2f' % (w, float(u)+float(s)))"; }
echo "uptime before: $(uptime)"
for i in $(seq 1 "$ROUNDS"); do
  /usr/bin/python3 "$PEERS/adult_train.py" "$ROOT/data/adult" "$OUT/peer.joblib" >> "$OUT/peer.jsonl"
  OMP_NUM_THREADS=1 /usr/bin/python3 "$PEERS/adult_train.py" "$ROOT/data/adult" "$OUT/peer.joblib" >> "$OUT/peer1.jsonl"
  $TIME $BASELINE "$ROOT/data/adult" "$OUT/mlnet.zip" > "$OUT/b.json"
  python3 -c "import json; d=json.load(open('$OUT/b.json')); d.update(json.loads('{'+'''$(timed)'''+'}')); print(json.dumps(d))" >> "$OUT/mlnet.jsonl"
  rm -rf bench/train/pipeline/.lockstep
  (cd bench/train/pipeline && $TIME $LOCKSTEP run >/dev/null)
  PROC=$(timed)
  (cd bench/train/pipeline && $LOCKSTEP runs show last --json) | python3 -c "
import json,sys
d=json.load(sys.stdin); st={s['id']:s for s in d['steps']}
r={'ingest_train_s': (st['ingest']['duration_ms']+st['train']['duration_ms'])/1000, 'auc': st['evaluate']['metrics']['auc']}
r.update(json.loads('{$PROC}')); print(json.dumps(r))" >> "$OUT/lockstep.jsonl"
  rm -rf bench/train/pipeline-raw/.lockstep
  (cd bench/train/pipeline-raw && $LOCKSTEP run >/dev/null && $LOCKSTEP runs show last --json) | python3 -c "
import json,sys
d=json.load(sys.stdin); st={s['id']:s for s in d['steps']}
print(json.dumps({'train_s': st['train']['duration_ms']/1000, 'auc': st['evaluate']['metrics']['auc']}))" >> "$OUT/raw.jsonl"
done
echo "uptime after:  $(uptime)"
python3 - "$OUT" "$BUILD" <<'PY'
import json, statistics, sys
out, build = sys.argv[1], sys.argv[2]
load = lambda n: [json.loads(l) for l in open(f"{out}/{n}.jsonl")]
peer, peer1, mlnet, ours, raw = load("peer"), load("peer1"), load("mlnet"), load("lockstep"), load("raw")
med = lambda rows, f: statistics.median(f(r) for r in rows)
best = lambda rows, f: min(f(r) for r in rows)
rf = lambda r: r["read_s"] + r["fit_s"]
print(f".NET programs built: {build}; {len(ours)} rounds; median (best)")
print(f"scikit-learn peer, read+fit          {med(peer, rf):7.2f} s ({best(peer, rf):.2f})   AUC {peer[0]['auc']:.4f}")
print(f"  same, OMP_NUM_THREADS=1            {med(peer1, rf):7.2f} s ({best(peer1, rf):.2f})")
base = lambda r: r["ingest_featurize_train_save_s"]
print(f"hand-written ML.NET, ingest..save    {med(mlnet, base):7.2f} s ({best(mlnet, base):.2f})   AUC {mlnet[0]['auc']:.4f}")
print(f"  whole process (+ score adult.test) wall {med(mlnet, lambda r: r['proc_wall_s']):.2f} s, cpu {med(mlnet, lambda r: r['proc_cpu_s']):.2f} s")
it = lambda r: r["ingest_train_s"]
print(f"lockstep ingest + train steps        {med(ours, it):7.2f} s ({best(ours, it):.2f})   AUC {ours[0]['auc']:.4f}")
print(f"  whole 'lockstep run' (+ evaluate on adult.test) wall {med(ours, lambda r: r['proc_wall_s']):.2f} s, cpu {med(ours, lambda r: r['proc_cpu_s']):.2f} s")
rt = lambda r: r["train_s"]
print(f"lockstep raw-file variant, train step {med(raw, rt):6.2f} s ({best(raw, rt):.2f})")
print(f"ratio lockstep ingest->bundle / peer read+fit           = {med(ours, it)/med(peer, rf):.2f}  (OMP_NUM_THREADS=1 peer: {med(ours, it)/med(peer1, rf):.2f}; target <= 1.0)")
print(f"ratio lockstep ingest->bundle / hand-written ML.NET     = {med(ours, it)/med(mlnet, base):.2f}  (best-of: {best(ours, it)/best(mlnet, base):.2f}; target <= 1.2)")
print(f"ratio whole process, lockstep run / hand-written ML.NET = wall {med(ours, lambda r: r['proc_wall_s'])/med(mlnet, lambda r: r['proc_wall_s']):.2f}, cpu {med(ours, lambda r: r['proc_cpu_s'])/med(mlnet, lambda r: r['proc_cpu_s']):.2f}")
print(f"ratio raw-file variant / hand-written ML.NET            = {med(raw, rt)/med(mlnet, base):.2f}")
print(f"AUC lockstep - peer = {ours[0]['auc']-peer[0]['auc']:+.4f}  (target >= -0.005)")
PY
