/**
 * The YOLOv4 family (architecture {@code yolov4}) as bubbliiiing/yolov4-pytorch defines it: the
 * CSPDarknet-53 backbone with Mish, SPP and the PANet neck with the repository's state-dict names, its
 * loss (the shared YOLO loss with the CIoU box term) and anchors; exports with the {@code yolo-anchors}
 * sidecar layout (a .pth sidecar of a YOLOv4 names {@code architecture = yolov4}).
 * {@link sparkdet.models.yolov4.YoloV4Family} plugs it into the model-family registry. Parity with the
 * reference: scripts/make_yolov4_fixture.py and the tests of this package.
 */
package sparkdet.models.yolov4;
