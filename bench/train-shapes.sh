#!/usr/bin/env bash
# Training quality benchmark (issue 4): conf/shapes.conf on 2000 synthetic images (seed 7),
# validated every few epochs on 300 held-out images of another seed (99); prints the history
# (val_mAP50 = VOC all-point mAP@0.5 on the held-out images) and the wall time. Goal: >= 0.85
# within 20 minutes of training on 2 cores.
# usage: bench/train-shapes.sh [EPOCHS] [DATA_DIR]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
EPOCHS="${1:-45}"
DATA="${2:-$ROOT/out/bench/shapes}"
S="$ROOT/bin/sparkdet"

if [[ ! -f "$DATA/val/_SUCCESS" ]]; then
  "$S" synth --out "$DATA/train-voc" --images 2000 --seed 7 >/dev/null
  "$S" synth --out "$DATA/val-voc" --images 300 --seed 99 >/dev/null
  "$S" ingest --format voc --input "$DATA/train-voc" --output "$DATA/train" --overwrite 2>/dev/null | tail -1
  "$S" ingest --format voc --input "$DATA/val-voc" --output "$DATA/val" --overwrite 2>/dev/null | tail -1
fi
echo "cores: $(nproc), epochs: $EPOCHS"
start=$(date +%s.%N)
"$S" train --master 'local[2]' --conf "$ROOT/conf/shapes.conf" --data "$DATA/train" --val-data "$DATA/val" \
  --output "$DATA/run" --overwrite --set train.epochs="$EPOCHS" --set train.threads-per-worker=2 2>/dev/null
end=$(date +%s.%N)
printf 'train wall time: %.0f s\n' "$(echo "$end - $start" | bc)"
cat "$DATA/run/history.csv"
