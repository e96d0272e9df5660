#!/usr/bin/env bash
# Learning parity (issue 11): sparkdet and a PyTorch reference trainer of the same network, loss,
# augmentation, optimiser and schedule (bench/pytorch_learning_reference.py, following bubbliiiing's
# yolov4-tiny-pytorch, yolo3-pytorch, yolov5-pytorch or yolox-pytorch) trained on the same synthetic
# data with the recipe of conf/shapes.conf (YOLOv4-tiny) or conf/shapes-$ARCH.conf, both scored by `sparkdet
# evaluate` (VOC all-point mAP@0.5) on the same 300 validation pictures every 5 epochs, and their
# final models on 300 held-out pictures of another seed. Prints the two curves side by side with the
# seconds per epoch.
#
# usage: [ARCH=yolov4-tiny|yolov3|yolov4|yolov5|yolox|deeplabv3plus|pspnet|unet] [VARIANT=V] bench/learning-parity.sh [EPOCHS] [DATA_DIR]
#   ARCH=yolov5 bench/learning-parity.sh    YOLOv5 (conf/shapes-yolov5.conf: variant s, width 0.25)
#   ARCH=yolov3 bench/learning-parity.sh    YOLOv3 (conf/shapes-yolov3.conf: DarkNet-53, width 0.125)
#   ARCH=yolov4 bench/learning-parity.sh    YOLOv4 (conf/shapes-yolov4.conf: CSPDarknet-53, width 0.125)
#   ARCH=yolox bench/learning-parity.sh     YOLOX (conf/shapes-yolox.conf: variant s, width 0.25, anchor-free)
#   ARCH=deeplabv3plus bench/learning-parity.sh   segmentation: bench/seg-learning-parity.sh (conf/shapes-seg.conf)
#   VARIANT=phi3 bench/learning-parity.sh   YOLOv4-tiny with CBAM (the recipe's variant replaced on both sides)
#   ARCH        the family (default yolov4-tiny, conf/shapes.conf); the reference gets --arch, and the
#               recipe's variant, width, input size, batch, lr (x batch / 64, as sparkdet scales it),
#               min-lr-ratio, momentum, weight decay, warm-up, label smoothing, EMA, augmentation and
#               seed, all read from the conf (and conf/sparkdet-defaults.conf), with the anchors
#               sparkdet's k-means chose (6 for yolov4-tiny, 9 for yolov3 and yolov5; none for yolox)
#   SAME_INIT=1  both start from the reference's weights_init draw (sparkdet loads its .pth by name)
#   SKIP="sparkdet reference"  reuse that side's (or both sides') finished run
# The pictures are shared by the families (DATA_DIR/{train,val,heldout}, default out/bench/parity);
# the runs go to DATA_DIR (yolov4-tiny, as before: sparkdet/, reference/, init.pth, logs) or
# DATA_DIR/$ARCH (yolov3, yolov4, yolov5, yolox: the same names under it; DATA_DIR/$ARCH-$VARIANT with VARIANT).
# needs: /usr/bin/python3 with Debian's python3-torch python3-numpy python3-pil python3-opencv
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ARCH="${ARCH:-yolov4-tiny}"
case "$ARCH" in
  deeplabv3plus | pspnet | unet) exec "$ROOT/bench/seg-learning-parity.sh" "$@" ;;
  yolov4-tiny) CONF="$ROOT/conf/shapes.conf" ;;
  yolov3 | yolov4 | yolov5 | yolox) CONF="$ROOT/conf/shapes-$ARCH.conf" ;;
  *) echo "ARCH=$ARCH: yolov4-tiny, yolov3, yolov4, yolov5, yolox, deeplabv3plus, pspnet or unet" >&2; exit 2 ;;
esac
D="${2:-$ROOT/out/bench/parity}"
O="$D"
[[ "$ARCH" != yolov4-tiny ]] && O="$D/$ARCH"
[[ -n "${VARIANT:-}" ]] && O="$D/$ARCH-$VARIANT"
S="$ROOT/bin/sparkdet"
PY=/usr/bin/python3
REF="$ROOT/bench/pytorch_learning_reference.py"

# conf_values KEY...: the values of sparkdet.train.KEY in the recipe, one a line (bench/recipe_values.py)
conf_values() {
  "$PY" "$ROOT/bench/recipe_values.py" "$ROOT/conf/sparkdet-defaults.conf" "$CONF" "$@"
}
mapfile -t cv < <(conf_values model variant width input-size batch-size lr min-lr-ratio momentum weight-decay \
  warmup-epochs label-smoothing ema seed epochs augment.mosaic augment.mixup augment.jitter augment.scale-min \
  augment.scale-max augment.flip-probability augment.hue augment.saturation augment.value)
[[ ${#cv[@]} == 23 ]] || { echo "could not read the recipe $CONF" >&2; exit 2; }
model=${cv[0]} variant=${cv[1]} width=${cv[2]} input=${cv[3]} batch=${cv[4]} lr=${cv[5]} min_lr_ratio=${cv[6]}
momentum=${cv[7]} weight_decay=${cv[8]} warmup=${cv[9]} smoothing=${cv[10]} ema=${cv[11]} SEED=${cv[12]}
conf_epochs=${cv[13]} mosaic=${cv[14]} mixup=${cv[15]} jitter=${cv[16]} scale_min=${cv[17]} scale_max=${cv[18]}
flip=${cv[19]} hue=${cv[20]} sat=${cv[21]} value=${cv[22]}
sparkdet_args=()
if [[ -n "${VARIANT:-}" ]]; then
  variant=$VARIANT
  sparkdet_args+=(--set "train.variant=$VARIANT")
fi
[[ "$model" == "$ARCH" ]] || { echo "$CONF trains $model, not $ARCH" >&2; exit 2; }
[[ "$mosaic" == false && "$mixup" == false ]] || { echo "the reference has no mosaic or mixup; $CONF turns them on" >&2; exit 2; }
EPOCHS="${1:-$conf_epochs}"
# the reference takes the rate at its own batch (train.py's Init_lr_fit without the bounds)
ref_lr=$(awk -v l="$lr" -v b="$batch" 'BEGIN {printf "%.6g", l * b / 64}')
ref_min_lr=$(awk -v l="$lr" -v b="$batch" -v r="$min_lr_ratio" 'BEGIN {printf "%.6g", l * b / 64 * r}')
mkdir -p "$O"

for part in train:2000:1234 val:300:99 heldout:300:2026; do
  IFS=: read -r name images seed <<<"$part"
  if [[ ! -f "$D/$name/_SUCCESS" ]]; then
    "$S" synth --output "$D/$name-voc" --images "$images" --seed "$seed" >/dev/null
    "$S" ingest --format voc --input "$D/$name-voc" --output "$D/$name" --overwrite >/dev/null 2>&1
  fi
done
echo "cores: $(nproc); data: 2000 training pictures (seed 1234), 300 validation (seed 99), 300 held-out (seed 2026)"
echo "$ARCH${variant:+ $variant} width $width, input $input, batch $batch, lr $lr at 64 ($ref_lr at $batch, to x $min_lr_ratio)," \
  "$EPOCHS epochs ($(basename "$CONF")); runs in $O"

ref_net=(--arch "$ARCH" --width "$width")
[[ -n "$variant" ]] && ref_net+=(--variant "$variant")
if [[ "${SAME_INIT:-0}" == 1 ]]; then
  "$PY" "$REF" init "${ref_net[@]}" --classes 3 --seed "$SEED" --out "$O/init.pth"
  sparkdet_args+=(--set "train.pretrained=$O/init.pth")
fi

# sparkdet: the shipped recipe; save-period and eval-period do not change what is learned
if [[ " ${SKIP:-} " != *" sparkdet "* ]]; then
  start=$(date +%s.%N)
  "$S" train --master 'local[2]' --conf "$CONF" --input "$D/train" --val-data "$D/val" \
    --output "$O/sparkdet" --overwrite --set train.epochs="$EPOCHS" --set train.eval-period=5 "${sparkdet_args[@]}" \
    >"$O/sparkdet.log" 2>&1
  echo "sparkdet train: $(echo "$(date +%s.%N) - $start" | bc | xargs printf '%.0f') s wall"
fi
"$S" predict --model "$O/sparkdet/model.zip" --input "$D/heldout" --output "$O/sparkdet-heldout" --overwrite --score 0.001 \
  --nms-iou 0.5 >/dev/null 2>&1

# the reference, with the anchors sparkdet's k-means chose, so the two differ in the trainer only
# (the anchor-free yolox has none)
ref_args=()
if [[ "$ARCH" != yolox ]]; then
  anchors=$("$PY" -c 'import json,sys; print(",".join("%g,%g" % tuple(a) for a in json.load(open(sys.argv[1]))["anchors"]))' \
    "$O/sparkdet/checkpoints/last/state.json")
  ref_args+=(--anchors "$anchors")
fi
if [[ " ${SKIP:-} " != *" reference "* ]]; then
  [[ "${SAME_INIT:-0}" == 1 ]] && ref_args+=(--init "$O/init.pth")
  [[ "$ema" == true ]] && ref_args+=(--ema)
  start=$(date +%s.%N)
  OMP_NUM_THREADS=2 "$PY" "$REF" train "${ref_net[@]}" --input "$input" --train "$D/train-voc" --val "$D/val-voc" \
    --heldout "$D/heldout-voc" --epochs "$EPOCHS" --batch "$batch" --lr "$ref_lr" \
    --min-lr "$ref_min_lr" --warmup-epochs "$warmup" --momentum "$momentum" --weight-decay "$weight_decay" \
    --label-smoothing "$smoothing" --jitter "$jitter" --scale-min "$scale_min" --scale-max "$scale_max" --flip "$flip" \
    --hue "$hue" --sat "$sat" --value "$value" --threads 2 --seed "$SEED" --eval-period 5 --out "$O/reference" \
    "${ref_args[@]}" >"$O/reference.log" 2>&1
  echo "reference train: $(echo "$(date +%s.%N) - $start" | bc | xargs printf '%.0f') s wall"
fi

# VOC all-point mAP@0.5 as sparkdet's validation computes it (no +1 pixel)
map50() {
  rm -rf "$O/eval-tmp"
  "$S" evaluate --gt "$1" --detections "$2" --output "$O/eval-tmp" --metric voc --no-plus1 >/dev/null 2>&1
  "$PY" -c 'import json,sys; m=json.load(open(sys.argv[1])); print("%.3f" % m["voc"]["mAP_all_point"])' \
    "$O/eval-tmp/metrics.json"
}

echo
echo "epoch | sparkdet val mAP@0.5 | reference val mAP@0.5 | sparkdet loss | reference loss | sparkdet s/epoch | reference s/epoch"
for ((e = 5; e <= EPOCHS; e += 5)); do
  s_row=$(tr -d '\r' <"$O/sparkdet/history.csv" | awk -F, -v e="$e" '$1 == e')
  r_row=$(tr -d '\r' <"$O/reference/history.csv" | awk -F, -v e="$e" '$1 == e')
  s_map=$(echo "$s_row" | cut -d, -f4)
  r_map=$(map50 "$D/val" "$O/reference/$(printf 'epoch-%04d' "$e")")
  printf '%5d | %20.3f | %21s | %13.4f | %14.4f | %16.1f | %17.1f\n' "$e" "$s_map" "$r_map" \
    "$(echo "$s_row" | cut -d, -f3)" "$(echo "$r_row" | cut -d, -f2)" "$(echo "$s_row" | cut -d, -f6)" \
    "$(echo "$r_row" | cut -d, -f4)"
done
s_time=$(awk -F, 'NR > 1 {t += $6} END {printf "%.0f", t}' "$O/sparkdet/history.csv")
r_time=$(tr -d '\r' <"$O/reference/history.csv" | awk -F, 'NR > 1 {t += $4} END {printf "%.0f", t}')
echo
echo "held-out mAP@0.5 of the final models (sparkdet predict / the reference's detections, sparkdet evaluate):"
echo "  sparkdet  $(map50 "$D/heldout" "$O/sparkdet-heldout/detections.json") after $s_time s of training (validation included)"
echo "  reference $(map50 "$D/heldout" "$O/reference/heldout") after $r_time s of training"
echo "  sparkdet's own validation agrees with predict + evaluate on the validation set: $(
  "$S" predict --model "$O/sparkdet/model.zip" --input "$D/val" --output "$O/sparkdet-val" --overwrite --score 0.001 \
    --nms-iou 0.5 >/dev/null 2>&1; map50 "$D/val" "$O/sparkdet-val/detections.json") (history: $(
  awk -F, -v e="$EPOCHS" '$1 == e {printf "%.3f", $4}' "$O/sparkdet/history.csv"))"
rm -rf "$O/eval-tmp"
