#!/usr/bin/env bash
# Folder-inference speed of YOLOv4-tiny at 416 (issue 5): sparkdet's model.zip, the same network as
# TorchScript and as ONNX, over 1000 real photos in local[2], and ONNX Runtime in a plain Java loop.
# Needs Debian's python3-torch for the exported models: apt-get install -y python3-torch
set -euo pipefail
cd "$(dirname "$0")/.."
models="${MODELS:-/tmp/sparkdet-full-models}"
if [[ ! -f "$models/yolov4_tiny_416.onnx" || ! -f "$models/yolov4_tiny_416.pt" ]]; then
  /usr/bin/python3 scripts/make_inference_fixtures.py --full "$models"
fi
bin/sparkdet bench --master "${MASTER:-local[2]}" --job predict --models "$models" --images "${IMAGES:-1000}" "$@"
