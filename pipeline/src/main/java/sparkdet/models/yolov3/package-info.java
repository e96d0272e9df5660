/**
 * The YOLOv3 family (architecture {@code yolov3}) as bubbliiiing/yolo3-pytorch defines it: the
 * DarkNet-53 backbone, the last_layer0/1/2 neck and heads, outputs P5, P4, P3; the shared
 * anchor-based YOLO loss ({@code sparkdet.models.yolo.YoloLoss} with the reference's GIoU box term),
 * decoder and {@code yolo-anchors} sidecar layout, which YOLOv4-tiny shares (a .pth sidecar of a
 * YOLOv3 names {@code architecture = yolov3}). {@link sparkdet.models.yolov3.YoloV3Family} plugs it
 * into the model-family registry. Parity with the reference: scripts/make_yolov3_fixture.py and the
 * tests of this package.
 */
package sparkdet.models.yolov3;
