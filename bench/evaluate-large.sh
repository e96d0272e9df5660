#!/usr/bin/env bash
# Evaluation benchmark (issue 3): the COCO-val2017-sized golden case (5000 images, 80 classes,
# ~36k ground-truth boxes, ~500k detections) regenerated with the golden generator, evaluated
# three times by `bin/sparkdet evaluate`; prints timing_s and the whole-process time of each run.
# pycocotools needs 52-67 s for evaluate+accumulate on these 2-core machines.
# usage: bench/evaluate-large.sh [auto|local|cluster] [DATA_DIR]
#   cluster: the matching in Spark tasks (local[*] here), as evaluate runs it for huge detection sets
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MODE="${1:-auto}"
DATA="${2:-$ROOT/out/bench/large-seed100}"
GOLDEN="$ROOT/../shared/golden/eval"

if [[ ! -f "$DATA/dt.json" ]]; then
  echo "generating $DATA (about 20 s)..." >&2
  python3 "$GOLDEN/gen_case.py" --seed 100 --out "$DATA" --images 5000 --cats 80 --max-gt 13 --fp-mean 91 --no-voc >/dev/null
fi
"$ROOT/bin/sparkdet" --help >/dev/null   # builds the jar first if needed, outside the timing
echo "cores: $(nproc), mode: $MODE"
for run in 1 2 3; do
  start=$(date +%s.%N)
  "$ROOT/bin/sparkdet" evaluate --gt "$DATA/gt.json" --detections "$DATA/dt.json" \
    --output "$ROOT/out/bench/eval-large" --overwrite --mode "$MODE" 2>/dev/null | grep -E "COCO|timing_s"
  end=$(date +%s.%N)
  printf 'run %d: whole process %.2f s\n' "$run" "$(echo "$end - $start" | bc)"
done
python3 - "$ROOT/out/bench/eval-large/metrics.json" "$GOLDEN/large-seed100/expected.json" <<'PY'
import json, sys
got = json.load(open(sys.argv[1]))["coco"]["stats"]
want = json.load(open(sys.argv[2]))["coco_bbox"]["stats"]
print("max |difference| to pycocotools over the 12 stats: %.3g" % max(abs(a - b) for a, b in zip(got, want)))
PY
