/**
 * The YOLOv5 family (architecture {@code yolov5}) as bubbliiiing/yolov5-pytorch defines it: Focus
 * stem, C3 stages, SPP, a PANet neck and three 1x1 heads; variants n/s/m/l/x; its loss with the
 * dataloader's target assignment; the {@code yolov5} sidecar layout. {@link
 * sparkdet.models.yolov5.YoloV5Family} plugs it into the model-family registry. Parity with the
 * reference: scripts/make_yolov5_fixture.py and the tests of this package.
 */
package sparkdet.models.yolov5;
