#!/usr/bin/env bash
# Learning parity of the segmentation families (issue 14): sparkdet and a PyTorch reference trainer of
# the same network, loss, augmentation, optimiser and schedule (bench/pytorch_seg_reference.py,
# following bubbliiiing's deeplabv3-plus-pytorch, pspnet-pytorch or unet-pytorch) trained on the same
# synth --task segment pictures with the recipe of conf/shapes-seg.conf (or RECIPE), both scored by
# `sparkdet evaluate --task segment` (get_miou's mIoU) on the same 300 validation pictures every
# eval-period epochs, and their final models on 300 held-out pictures of another seed. Prints the two
# curves side by side with the seconds per epoch.
#
# usage: [RECIPE=conf/shapes-seg.conf] [SAME_INIT=1] [SKIP="sparkdet reference"] \
#        bench/seg-learning-parity.sh [EPOCHS] [DATA_DIR]
#   (bench/learning-parity.sh with ARCH=deeplabv3plus, pspnet or unet comes here too)
#   RECIPE     the recipe; the reference gets its model, variant, width, input size, batch, optimiser,
#              lr and floor (scaled by the batch over 16 within the family's bounds, as sparkdet and
#              train.py scale them), momentum, weight decay, warm-up, losses, augmentation and seed,
#              read from the recipe and conf/sparkdet-defaults.conf
#   SAME_INIT=1  both start from the reference's weights_init draw (sparkdet loads it by name and shape)
#   SKIP       reuse that side's finished run
# Pictures: DATA_DIR/voc-{train,val,heldout} (2000 of seed 1234, 300 of seed 99, 300 of seed 2026) and
# their datasets DATA_DIR/{train,val,heldout}; default out/bench/seg. Runs: DATA_DIR/parity-<model>.
# needs: /usr/bin/python3 with Debian's python3-torch python3-numpy python3-pil python3-opencv
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CONF="${RECIPE:-$ROOT/conf/shapes-seg.conf}"
D="${2:-$ROOT/out/bench/seg}"
S="$ROOT/bin/sparkdet"
PY=/usr/bin/python3
REF="$ROOT/bench/pytorch_seg_reference.py"

mapfile -t cv < <("$PY" "$ROOT/bench/recipe_values.py" "$ROOT/conf/sparkdet-defaults.conf" "$CONF" model variant \
  width input-size batch-size optimizer lr min-lr-ratio momentum weight-decay warmup-epochs warmup-lr-ratio seed \
  epochs eval-period augment.jitter augment.scale-min augment.scale-max augment.flip-probability augment.hue \
  augment.saturation augment.value augment.blur-probability=0 augment.rotate-probability=0 \
  augment.rotate-degrees=10 segment.downsample-factor segment.aux-branch segment.dice-loss segment.focal-loss \
  freeze-epochs)
[[ ${#cv[@]} == 30 ]] || { echo "could not read the recipe $CONF" >&2; exit 2; }
model=${cv[0]} variant=${cv[1]} width=${cv[2]:-1} input=${cv[3]} batch=${cv[4]} optimizer=${cv[5]} lr=${cv[6]}
min_lr_ratio=${cv[7]} momentum=${cv[8]} weight_decay=${cv[9]} warmup=${cv[10]} warmup_ratio=${cv[11]} SEED=${cv[12]}
conf_epochs=${cv[13]} eval_period=${cv[14]} jitter=${cv[15]} scale_min=${cv[16]} scale_max=${cv[17]} flip=${cv[18]}
hue=${cv[19]} sat=${cv[20]} value=${cv[21]} blur=${cv[22]} rotate=${cv[23]} degrees=${cv[24]} factor=${cv[25]}
aux=${cv[26]} dice=${cv[27]} focal=${cv[28]} freeze=${cv[29]}
[[ "$freeze" == 0 ]] || { echo "the reference trainer has no freezing; $CONF freezes $freeze epochs" >&2; exit 2; }
EPOCHS="${1:-$conf_epochs}"
O="$D/parity-$model"
# train.py's Init_lr_fit and Min_lr_fit (the rate x batch / 16 within the optimiser's bounds) and
# get_lr_scheduler's floor ratio, as sparkdet's families declare them (their lrScaling; Java, so listed here)
case "$model/$variant/$optimizer" in
  deeplabv3plus/xception/adam) lo=1e-4 hi=1e-4 floor=0.3 ;;
  deeplabv3plus/*/adam) lo=3e-4 hi=5e-4 floor=0.3 ;;
  deeplabv3plus/*/sgd) lo=5e-4 hi=1e-1 floor=0.3 ;;
  pspnet/*/adam) lo=3e-4 hi=5e-4 floor=0.1 ;;
  pspnet/*/sgd) lo=5e-4 hi=1e-1 floor=0.1 ;;
  unet/*/adam) lo=1e-4 hi=1e-4 floor=0.05 ;;
  unet/*/sgd) lo=5e-4 hi=1e-1 floor=0.05 ;;
  *) echo "$model $variant $optimizer: not a segmentation recipe" >&2; exit 2 ;;
esac
read -r ref_lr ref_min_lr < <(awk -v l="$lr" -v b="$batch" -v r="$min_lr_ratio" -v lo="$lo" -v hi="$hi" 'BEGIN {
  s = l * b / 16; if (s < lo) s = lo; if (s > hi) s = hi
  m = l * r * b / 16; if (m < lo / 100) m = lo / 100; if (m > hi / 100) m = hi / 100
  printf "%.6g %.6g\n", s, m }')
mkdir -p "$O"

for part in train:2000:1234 val:300:99 heldout:300:2026; do
  IFS=: read -r name images seed <<<"$part"
  if [[ ! -f "$D/$name/_SUCCESS" ]]; then
    "$S" synth --task segment --output "$D/voc-$name" --images "$images" --seed "$seed" >/dev/null
    "$S" ingest --format voc-seg --input "$D/voc-$name" --output "$D/$name" --overwrite >/dev/null 2>&1
  fi
done
echo "cores: $(nproc); data: 2000 training pictures (seed 1234), 300 validation (seed 99), 300 held-out (seed 2026)"
echo "$model $variant width $width, input $input, batch $batch, $optimizer lr $ref_lr to $ref_min_lr, $EPOCHS epochs" \
  "($(basename "$CONF")); runs in $O"

ref_net=(--arch "$model" --variant "$variant" --width "$width" --downsample "$factor")
[[ "$aux" == true ]] && ref_net+=(--aux)
sparkdet_args=()
if [[ "${SAME_INIT:-0}" == 1 ]]; then
  "$PY" "$REF" init "${ref_net[@]}" --classes 4 --seed "$SEED" --out "$O/init.pth"
  sparkdet_args+=(--set "train.pretrained=$O/init.pth")
fi

if [[ " ${SKIP:-} " != *" sparkdet "* ]]; then
  start=$(date +%s.%N)
  "$S" train --master 'local[2]' --conf "$CONF" --input "$D/train" --val-data "$D/val" --output "$O/sparkdet" \
    --overwrite --set train.epochs="$EPOCHS" "${sparkdet_args[@]}" >"$O/sparkdet.log" 2>&1
  echo "sparkdet train: $(echo "$(date +%s.%N) - $start" | bc | xargs printf '%.0f') s wall"
fi
"$S" predict --model "$O/sparkdet/model.zip" --input "$D/voc-heldout/JPEGImages" --output "$O/sparkdet-heldout" \
  --overwrite >/dev/null 2>&1

if [[ " ${SKIP:-} " != *" reference "* ]]; then
  ref_args=()
  [[ "${SAME_INIT:-0}" == 1 ]] && ref_args+=(--init "$O/init.pth")
  [[ "$dice" == true ]] && ref_args+=(--dice)
  [[ "$focal" == true ]] && ref_args+=(--focal)
  start=$(date +%s.%N)
  OMP_NUM_THREADS=2 "$PY" "$REF" train "${ref_net[@]}" --input "$input" --train "$D/voc-train" --val "$D/voc-val" \
    --heldout "$D/voc-heldout" --epochs "$EPOCHS" --batch "$batch" --optimizer "$optimizer" --lr "$ref_lr" \
    --min-lr "$ref_min_lr" --warmup-epochs "$warmup" --warmup-ratio "$warmup_ratio" --floor-ratio "$floor" --momentum "$momentum" \
    --weight-decay "$weight_decay" --jitter "$jitter" --scale-min "$scale_min" --scale-max "$scale_max" \
    --flip "$flip" --blur "$blur" --rotate "$rotate" --rotate-degrees "$degrees" --hue "$hue" --sat "$sat" \
    --value "$value" --threads 2 --seed "$SEED" --eval-period "$eval_period" --out "$O/reference" \
    "${ref_args[@]}" >"$O/reference.log" 2>&1
  echo "reference train: $(echo "$(date +%s.%N) - $start" | bc | xargs printf '%.0f') s wall"
fi

# get_miou's mIoU of a folder of masks against a dataset's labels
miou() {
  rm -rf "$O/eval-tmp"
  "$S" evaluate --task segment --gt "$1" --predictions "$2" --output "$O/eval-tmp" >/dev/null 2>&1
  "$PY" -c 'import json,sys; print("%.3f" % json.load(open(sys.argv[1]))["segmentation"]["mIoU"])' \
    "$O/eval-tmp/metrics.json"
}

echo
echo "epoch | sparkdet val mIoU | reference val mIoU | sparkdet loss | reference loss | sparkdet s/epoch | reference s/epoch"
for ((e = 1; e <= EPOCHS; e++)); do
  s_row=$(tr -d '\r' <"$O/sparkdet/history.csv" | awk -F, -v e="$e" '$1 == e')
  r_row=$(tr -d '\r' <"$O/reference/history.csv" | awk -F, -v e="$e" '$1 == e')
  s_miou=$(echo "$s_row" | awk -F, '$4 != "" {printf "%.3f", $4}')
  r_miou=-
  [[ -d "$O/reference/$(printf 'epoch-%04d' "$e")" ]] && r_miou=$(miou "$D/val" "$O/reference/$(printf 'epoch-%04d' "$e")")
  printf '%5d | %17s | %18s | %13.4f | %14.4f | %16.1f | %17.1f\n' "$e" "${s_miou:--}" "$r_miou" \
    "$(echo "$s_row" | cut -d, -f3)" "$(echo "$r_row" | cut -d, -f2)" "$(echo "$s_row" | cut -d, -f6)" \
    "$(echo "$r_row" | cut -d, -f4)"
done
s_time=$(awk -F, 'NR > 1 {t += $6} END {printf "%.0f", t}' "$O/sparkdet/history.csv")
r_time=$(tr -d '\r' <"$O/reference/history.csv" | awk -F, 'NR > 1 {t += $4} END {printf "%.0f", t}')
echo
echo "held-out mIoU of the final models (sparkdet predict / the reference's get_miou_png, sparkdet evaluate):"
echo "  sparkdet  $(miou "$D/heldout" "$O/sparkdet-heldout") after $s_time s of training (validation included)"
echo "  reference $(miou "$D/heldout" "$O/reference/heldout") after $r_time s of training"
rm -rf "$O/eval-tmp"
