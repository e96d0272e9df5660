/**
 * YOLOv5 as bubbliiiing/yolov5-pytorch defines it (its current version: Focus stem, SPP, C3, PANet,
 * three 1x1 heads), self-contained and not yet wired into the trainer, predictor or model archive.
 *
 * <p>Public surface, for the model-family registry to adapt:
 * <ul>
 * <li>{@link sparkdet.family.yolov5.YoloV5Variant}: phi n/s/m/l/x (depth and width multipliers),
 *     {@code newModel(classes, extraWidth)} creates a network (loading libtorch first);</li>
 * <li>{@link sparkdet.family.yolov5.YoloV5}: the network, {@code forward} (P5, P4, P3 raw heads),
 *     {@code predict}, {@code stateDict} with the reference's names, {@code loadMatching} of a .pth
 *     through {@link sparkdet.model.Weights}, {@code moveTo}, {@code setBackboneFrozen};</li>
 * <li>{@link sparkdet.family.yolov5.YoloV5Loss}: the reference's YOLOLoss with its dataloader's
 *     targets, and the reference's default anchors and mask;</li>
 * <li>{@link sparkdet.family.yolov5.YoloV5Decoder}: the {@link sparkdet.postprocess.OutputDecoder}
 *     of the yolov5 head layout.</li>
 * </ul>
 * Parity with the reference: scripts/make_yolov5_fixture.py and the tests of this package.
 */
package sparkdet.family.yolov5;
