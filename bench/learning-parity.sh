#!/usr/bin/env bash
# Learning parity (issue 11): sparkdet and a PyTorch reference trainer of the same network, loss,
# augmentation, optimiser and schedule (bench/pytorch_learning_reference.py, following
# bubbliiiing/yolov4-tiny-pytorch) trained on the same synthetic data with the recipe of
# conf/shapes.conf, both scored by `sparkdet evaluate` (VOC all-point mAP@0.5) on the same 300
# validation pictures every 5 epochs, and their final models on 300 held-out pictures of another
# seed. Prints the two curves side by side with the seconds per epoch.
#
# usage: bench/learning-parity.sh [EPOCHS] [DATA_DIR]
#   SAME_INIT=1  both start from the reference's weights_init draw (sparkdet loads its .pth by name)
#   SKIP="sparkdet reference"  reuse that side's (or both sides') finished run in DATA_DIR
# needs: /usr/bin/python3 with Debian's python3-torch python3-numpy python3-pil python3-opencv
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
EPOCHS="${1:-40}"
D="${2:-$ROOT/out/bench/parity}"
S="$ROOT/bin/sparkdet"
PY=/usr/bin/python3
REF="$ROOT/bench/pytorch_learning_reference.py"
SEED=11
mkdir -p "$D"

for part in train:2000:1234 val:300:99 heldout:300:2026; do
  IFS=: read -r name images seed <<<"$part"
  if [[ ! -f "$D/$name/_SUCCESS" ]]; then
    "$S" synth --out "$D/$name-voc" --images "$images" --seed "$seed" >/dev/null
    "$S" ingest --format voc --input "$D/$name-voc" --output "$D/$name" --overwrite >/dev/null 2>&1
  fi
done
echo "cores: $(nproc); data: 2000 training pictures (seed 1234), 300 validation (seed 99), 300 held-out (seed 2026)"

sparkdet_args=()
if [[ "${SAME_INIT:-0}" == 1 ]]; then
  "$PY" "$REF" init --classes 3 --width 0.25 --seed "$SEED" --out "$D/init.pth"
  sparkdet_args=(--set "train.pretrained=$D/init.pth")
fi

# sparkdet: the shipped recipe; save-period and eval-period do not change what is learned
if [[ " ${SKIP:-} " != *" sparkdet "* ]]; then
  start=$(date +%s.%N)
  "$S" train --master 'local[2]' --conf "$ROOT/conf/shapes.conf" --data "$D/train" --val-data "$D/val" \
    --output "$D/sparkdet" --overwrite --set train.epochs="$EPOCHS" --set train.eval-period=5 "${sparkdet_args[@]}" \
    >"$D/sparkdet.log" 2>&1
  echo "sparkdet train: $(echo "$(date +%s.%N) - $start" | bc | xargs printf '%.0f') s wall"
fi
"$S" predict --model "$D/sparkdet/model.zip" --input "$D/heldout" --output "$D/sparkdet-heldout" --overwrite --score 0.001 \
  --nms-iou 0.5 >/dev/null 2>&1

# the reference, with the anchors sparkdet's k-means chose, so the two differ in the trainer only
anchors=$("$PY" -c 'import json,sys; print(",".join("%g,%g" % tuple(a) for a in json.load(open(sys.argv[1]))["anchors"]))' \
  "$D/sparkdet/checkpoints/last/state.json")
if [[ " ${SKIP:-} " != *" reference "* ]]; then
  ref_init=()
  [[ "${SAME_INIT:-0}" == 1 ]] && ref_init=(--init "$D/init.pth")
  start=$(date +%s.%N)
  OMP_NUM_THREADS=2 "$PY" "$REF" train --train "$D/train-voc" --val "$D/val-voc" --heldout "$D/heldout-voc" \
    --anchors "$anchors" --epochs "$EPOCHS" --batch 16 --lr 1e-3 --min-lr 1e-5 --warmup-epochs 0 --threads 2 \
    --seed "$SEED" --eval-period 5 --out "$D/reference" "${ref_init[@]}" >"$D/reference.log" 2>&1
  echo "reference train: $(echo "$(date +%s.%N) - $start" | bc | xargs printf '%.0f') s wall"
fi

# VOC all-point mAP@0.5 as sparkdet's validation computes it (no +1 pixel)
map50() {
  rm -rf "$D/eval-tmp"
  "$S" evaluate --gt "$1" --detections "$2" --output "$D/eval-tmp" --metric voc --no-plus1 >/dev/null 2>&1
  "$PY" -c 'import json,sys; m=json.load(open(sys.argv[1])); print("%.3f" % m["voc"]["mAP_all_point"])' \
    "$D/eval-tmp/metrics.json"
}

echo
echo "epoch | sparkdet val mAP@0.5 | reference val mAP@0.5 | sparkdet loss | reference loss | sparkdet s/epoch | reference s/epoch"
for ((e = 5; e <= EPOCHS; e += 5)); do
  s_row=$(tr -d '\r' <"$D/sparkdet/history.csv" | awk -F, -v e="$e" '$1 == e')
  r_row=$(tr -d '\r' <"$D/reference/history.csv" | awk -F, -v e="$e" '$1 == e')
  s_map=$(echo "$s_row" | cut -d, -f4)
  r_map=$(map50 "$D/val" "$D/reference/$(printf 'epoch-%04d' "$e")")
  printf '%5d | %20.3f | %21s | %13.4f | %14.4f | %16.1f | %17.1f\n' "$e" "$s_map" "$r_map" \
    "$(echo "$s_row" | cut -d, -f3)" "$(echo "$r_row" | cut -d, -f2)" "$(echo "$s_row" | cut -d, -f6)" \
    "$(echo "$r_row" | cut -d, -f4)"
done
s_time=$(awk -F, 'NR > 1 {t += $6} END {printf "%.0f", t}' "$D/sparkdet/history.csv")
r_time=$(tr -d '\r' <"$D/reference/history.csv" | awk -F, 'NR > 1 {t += $4} END {printf "%.0f", t}')
echo
echo "held-out mAP@0.5 of the final models (sparkdet predict / the reference's detections, sparkdet evaluate):"
echo "  sparkdet  $(map50 "$D/heldout" "$D/sparkdet-heldout/detections.json") after $s_time s of training (validation included)"
echo "  reference $(map50 "$D/heldout" "$D/reference/heldout") after $r_time s of training"
echo "  sparkdet's own validation agrees with predict + evaluate on the validation set: $(
  "$S" predict --model "$D/sparkdet/model.zip" --input "$D/val" --output "$D/sparkdet-val" --overwrite --score 0.001 \
    --nms-iou 0.5 >/dev/null 2>&1; map50 "$D/val" "$D/sparkdet-val/detections.json") (history: $(
  awk -F, -v e="$EPOCHS" '$1 == e {printf "%.3f", $4}' "$D/sparkdet/history.csv"))"
rm -rf "$D/eval-tmp"
