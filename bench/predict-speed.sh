#!/usr/bin/env bash
# Folder-inference speed of YOLOv4-tiny at 416 (issue 5): sparkdet's model.zip and its exports
# (TorchScript and ONNX, `sparkdet export`), over 1000 real photos in local[2], and ONNX Runtime in
# a plain Java loop; fps's detect path against the network alone for each.
set -euo pipefail
cd "$(dirname "$0")/.."
bin/sparkdet bench --master "${MASTER:-local[2]}" --job predict --images "${IMAGES:-1000}" "$@"
