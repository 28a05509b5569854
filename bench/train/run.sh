#!/usr/bin/env bash
# Training benchmark: Lockstep's adult pipeline vs the scikit-learn peer (adult_train.py) and vs a
# hand-written ML.NET program (MlNetBaseline), interleaved in the same run, N rounds each.
# Usage: bench/train/run.sh [ROUNDS]   (from the repository root; needs python3-sklearn/pandas/joblib)
set -euo pipefail
ROUNDS=${1:-3}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
PEERS=${PEERS:-$ROOT/../shared/bench-peers}
[ -f "$PEERS/adult_train.py" ] || PEERS=/work/shared/bench-peers
cd "$ROOT"
dotnet build -c Release src/Lockstep.Cli -v q -nologo >/dev/null
dotnet build -c Release bench/train/MlNetBaseline -v q -nologo >/dev/null
LOCKSTEP="dotnet $ROOT/src/Lockstep.Cli/bin/Release/net10.0/lockstep.dll"
OUT=$(mktemp -d)
for i in $(seq 1 "$ROUNDS"); do
  /usr/bin/python3 "$PEERS/adult_train.py" "$ROOT/data/adult" "$OUT/peer.joblib" >> "$OUT/peer.jsonl"
  s=$(date +%s.%N); dotnet bench/train/MlNetBaseline/bin/Release/net10.0/MlNetBaseline.dll "$ROOT/data/adult" "$OUT/mlnet.zip" > "$OUT/b.json"; e=$(date +%s.%N)
  python3 -c "import json,sys; d=json.load(open('$OUT/b.json')); d['wall_s']=$e-$s; print(json.dumps(d))" >> "$OUT/mlnet.jsonl"
  rm -rf bench/train/pipeline/.lockstep
  s=$(date +%s.%N); (cd bench/train/pipeline && $LOCKSTEP run >/dev/null); e=$(date +%s.%N)
  (cd bench/train/pipeline && $LOCKSTEP runs show last --json) | python3 -c "
import json,sys
d=json.load(sys.stdin); st={s['id']:s for s in d['steps']}
print(json.dumps({'ingest_train_s': (st['ingest']['duration_ms']+st['train']['duration_ms'])/1000, 'wall_s': $e-$s, 'auc': st['evaluate']['metrics']['auc']}))" >> "$OUT/lockstep.jsonl"
  rm -rf bench/train/pipeline-raw/.lockstep
  (cd bench/train/pipeline-raw && $LOCKSTEP run >/dev/null && $LOCKSTEP runs show last --json) | python3 -c "
import json,sys
d=json.load(sys.stdin); st={s['id']:s for s in d['steps']}
print(json.dumps({'train_s': st['train']['duration_ms']/1000, 'auc': st['evaluate']['metrics']['auc']}))" >> "$OUT/raw.jsonl"
done
python3 - "$OUT" <<'PY'
import json, statistics, sys
out = sys.argv[1]
load = lambda n: [json.loads(l) for l in open(f"{out}/{n}.jsonl")]
peer, mlnet, ours, raw = load("peer"), load("mlnet"), load("lockstep"), load("raw")
med = lambda rows, f: statistics.median(f(r) for r in rows)
peer_rf = med(peer, lambda r: r["read_s"] + r["fit_s"]); peer_auc = peer[0]["auc"]
base = med(mlnet, lambda r: r["ingest_featurize_train_save_s"]); base_wall = med(mlnet, lambda r: r["wall_s"])
ours_it = med(ours, lambda r: r["ingest_train_s"]); ours_wall = med(ours, lambda r: r["wall_s"]); ours_auc = ours[0]["auc"]
print(f"rounds: {len(ours)} (medians)")
print(f"scikit-learn peer   read+fit {peer_rf:6.2f} s   AUC {peer_auc:.4f}")
print(f"hand-written ML.NET ingest..save {base:6.2f} s   (process wall {base_wall:.2f} s)")
print(f"lockstep pipeline   ingest+train steps {ours_it:6.2f} s   (whole 'lockstep run' incl. evaluate, wall {ours_wall:.2f} s)   AUC {ours_auc:.4f}")
print(f"ratio lockstep ingest->bundle / peer read+fit      = {ours_it/peer_rf:.2f}  (target <= 1.0)")
print(f"ratio lockstep ingest->bundle / hand-written ML.NET = {ours_it/base:.2f}  (target <= 1.2)")
raw_t = med(raw, lambda r: r["train_s"])
print(f"lockstep raw-file pipeline (train step reads adult.data itself) {raw_t:6.2f} s   AUC {raw[0]['auc']:.4f}")
print(f"ratio raw-file variant / hand-written ML.NET       = {raw_t/base:.2f}  (target <= 1.2)")
print(f"ratio raw-file variant / peer read+fit             = {raw_t/peer_rf:.2f}  (target <= 1.0)")
print(f"AUC lockstep - peer = {ours_auc-peer_auc:+.4f}  (target >= -0.005)")
PY
