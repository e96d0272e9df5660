#!/usr/bin/env bash
# Segmentation evaluation benchmark (issue 14): N pairs (default 10,000) of 512x512 label and
# prediction PNGs (21 VOC classes, palette labels with 255 borders, grey predictions; generated
# once by bench/gen_seg_pairs.py), evaluated by `bin/sparkdet evaluate --task segment` in
# local[2] and by the reference's numpy compute_mIoU (bench/seg_miou_reference.py, a copy of
# get_miou.py's function) on the same files; prints both times and whether the numbers agree.
# usage: bench/evaluate-seg.sh [PAIRS] [local|cluster|auto] [DATA_DIR]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PAIRS="${1:-10000}"
MODE="${2:-local}"
DATA="${3:-$ROOT/out/bench/seg-$PAIRS}"
OUT="$ROOT/out/bench/seg-eval"
PY=/usr/bin/python3   # Debian's, with numpy and PIL

if [[ ! -f "$DATA/ImageSets/Segmentation/val.txt" ]]; then
  echo "generating $PAIRS pairs in $DATA..." >&2
  start=$(date +%s.%N)
  "$PY" "$ROOT/bench/gen_seg_pairs.py" "$DATA" "$PAIRS" 14
  printf 'generated in %.1f s\n' "$(echo "$(date +%s.%N) - $start" | bc)" >&2
fi
# outside the timing: builds the jar if needed, and (a first real command) archives the classes
# that later starts map (bin/sparkdet's class-data sharing)
"$ROOT/bin/sparkdet" evaluate --task segment --gt "$ROOT/../shared/golden/seg/seed1" \
  --predictions "$ROOT/../shared/golden/seg/seed1/predictions" --output "$OUT-warm-up" --overwrite >/dev/null 2>&1
echo "cores: $(nproc), pairs: $PAIRS, load before: $(cut -d' ' -f1-3 /proc/loadavg)"

# wall and CPU seconds (user + system, all threads) of a whole process: on a shared machine the
# CPU seconds say what each needs whatever else runs
TIMEFORMAT='%R %U %S'
{ time "$ROOT/bin/sparkdet" evaluate --master 'local[2]' --task segment --gt "$DATA" \
    --predictions "$DATA/predictions" --output "$OUT" --overwrite --mode "$MODE" 2>/dev/null \
    | grep -E "segment|timing_s" >&3; } 3>&1 2>"$OUT.time"
read -r sparkdet user sys <"$OUT.time"
sparkdet_cpu=$(echo "$user + $sys" | bc)
printf 'sparkdet evaluate --task segment: whole process %.2f s wall, %.2f s CPU\n' "$sparkdet" "$sparkdet_cpu"

{ time "$PY" "$ROOT/bench/seg_miou_reference.py" "$DATA" "$DATA/predictions" "$OUT-reference.json" >&3; } \
  3>&1 2>"$OUT.time"
read -r reference user sys <"$OUT.time"
reference_cpu=$(echo "$user + $sys" | bc)
printf 'reference compute_mIoU: whole process %.2f s wall, %.2f s CPU\n' "$reference" "$reference_cpu"

"$PY" - "$OUT/metrics.json" "$OUT/confusion_matrix.csv" "$OUT-reference.json" "$sparkdet" "$reference" \
  "$sparkdet_cpu" "$reference_cpu" <<'PY'
import csv, json, sys
got = json.load(open(sys.argv[1]))["segmentation"]
with open(sys.argv[2], newline="") as f:
    matrix = [[int(v) for v in row[1:]] for row in list(csv.reader(f))[1:]]
want = json.load(open(sys.argv[3]))
names = got["classes"]
diff = max([abs(got[k] - want[k]) for k in ("mIoU", "mPA", "mPrecision", "accuracy")]
           + [abs(got["per_class"][c][k] - want[r][i]) for i, c in enumerate(names)
              for k, r in (("iou", "iou"), ("recall", "recall"), ("precision", "precision"))])
same = matrix == want["confusion_matrix"]
print("confusion matrix identical: %s; max |difference| over the per-class numbers and means: %.3g"
      % (same, diff))
print("mIoU %.6f (reference %.6f); sparkdet %.1fx faster in wall time, needs %.2fx the reference's CPU time "
      "(whole process against whole process)" % (got["mIoU"], want["mIoU"], float(sys.argv[5]) / float(sys.argv[4]),
                                                  float(sys.argv[6]) / float(sys.argv[7])))
sys.exit(0 if same and diff <= 1e-9 else 1)
PY
