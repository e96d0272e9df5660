package sparkdet.models.yolov3;

import java.util.List;
import sparkdet.model.Loss;
import sparkdet.model.ModelSpec;
import sparkdet.model.Network;
import sparkdet.model.Torch;
import sparkdet.models.yolo.AnchorOptions;
import sparkdet.models.yolo.AnchorYoloFamily;
import sparkdet.models.yolo.YoloAnchorDecoder;
import sparkdet.models.yolo.YoloAnchorsLayout;
import sparkdet.models.yolo.YoloLoss;

/**
 * YOLOv3 of bubbliiiing/yolo3-pytorch: its DarkNet-53 network and parameter names, the anchor-based
 * YOLO loss with that repository's GIoU box term and the anchor-based decoder
 * ({@code sparkdet.models.yolo}), k-means anchors (k = 9) fitted to the training boxes or the
 * repository's. Its exports have the {@code yolo-anchors} sidecar layout, which YOLOv4-tiny shares: a
 * .pth sidecar of a YOLOv3 must name {@code architecture = yolov3} (one naming only the layout means
 * YOLOv4-tiny, as before this family existed). Registered in
 * META-INF/services/sparkdet.model.ModelFamily.
 */
public final class YoloV3Family extends AnchorYoloFamily {
    public static final String ARCHITECTURE = "yolov3";

    public YoloV3Family() {
        // DarkNet-53, the repository's only backbone; its model_data/yolo_anchors.txt, sorted by area;
        // train.py's anchors_mask: the anchors of P5, P4, P3
        super(ARCHITECTURE, List.of("darknet53"), new float[][] {{10, 13}, {16, 30}, {33, 23}, {30, 61}, {62, 45},
            {59, 119}, {116, 90}, {156, 198}, {373, 326}}, new int[][] {{6, 7, 8}, {3, 4, 5}, {0, 1, 2}},
                YoloAnchorDecoder.BoxForm.SIGMOID_EXP, YoloAnchorsLayout.NAME);
    }

    @Override
    public Network newNetwork(ModelSpec spec) {
        // creating the first module loads libtorch, which needs its native files unpacked first
        Torch.load();
        return new YoloV3(spec.classes().size(), options(spec).width());
    }

    /** yolo3-pytorch's YOLOLoss: box term 1 - GIoU; label smoothing is sparkdet's (the reference has none) */
    @Override
    public Loss newLoss(ModelSpec spec, double labelSmoothing) {
        AnchorOptions o = options(spec);
        return new YoloLoss(o.anchors(), o.anchorsMask(), spec.classes().size(), spec.inputHeight(), spec.inputWidth(),
                labelSmoothing, YoloLoss.BoxIou.GIOU);
    }
}
