#!/usr/bin/env bash
# Ingest benchmark (issue 2): a COCO-train-sized instances JSON (118k images, ~852k annotations,
# ~193 MB, made by the golden generator) ingested in local[2] with a 512 MB heap.
# Prints annotations/s of the ingest job, the process wall time and the JVM's peak heap.
# usage: bench/ingest-coco.sh [DATA_DIR]   (the generated file is kept there for the next run)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DATA="${1:-$ROOT/out/bench/coco-train-sized}"
GEN="$ROOT/../shared/golden/eval/gen_case.py"

if [[ ! -f "$DATA/gt.json" ]]; then
  echo "generating $DATA/gt.json (about a minute)..." >&2
  python3 "$GEN" --seed 200 --out "$DATA" --images 118000 --cats 80 --max-gt 13 \
    --fp-mean 0 --keep-prob 0 --dup-prob 0 --no-voc >/dev/null
fi
ls -l "$DATA/gt.json" >&2

"$ROOT/bin/sparkdet" --help >/dev/null   # builds the jar first if needed, outside the timing
start=$(date +%s.%N)
SPARKDET_JAVA_OPTS="-Xmx512m -XX:+UseParallelGC" "$ROOT/bin/sparkdet" bench --job ingest --master 'local[2]' \
  --format coco --input "$DATA/gt.json"
end=$(date +%s.%N)
printf 'whole command (launcher + JVM): %.2f s\n' "$(echo "$end - $start" | bc)"
