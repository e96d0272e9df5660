package sparkdet.models.yolov4;

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
 * YOLOv4 of bubbliiiing/yolov4-pytorch: its CSPDarknet-53 / SPP / PANet network and parameter names,
 * the anchor-based YOLO loss with that repository's CIoU box term and the anchor-based decoder
 * ({@code sparkdet.models.yolo}), k-means anchors (k = 9) fitted to the training boxes or the
 * repository's. Its exports have the {@code yolo-anchors} sidecar layout, which YOLOv4-tiny and
 * YOLOv3 share: a .pth sidecar of a YOLOv4 must name {@code architecture = yolov4}. Registered in
 * META-INF/services/sparkdet.model.ModelFamily.
 */
public final class YoloV4Family extends AnchorYoloFamily {
    public static final String ARCHITECTURE = "yolov4";

    public YoloV4Family() {
        // CSPDarknet-53, the repository's only backbone; its model_data/yolo_anchors.txt (sorted by
        // area); train.py's anchors_mask: the anchors of P5, P4, P3
        super(ARCHITECTURE, List.of("cspdarknet53"), new float[][] {{12, 16}, {19, 36}, {40, 28}, {36, 75}, {76, 55},
            {72, 146}, {142, 110}, {192, 243}, {459, 401}}, new int[][] {{6, 7, 8}, {3, 4, 5}, {0, 1, 2}},
                YoloAnchorDecoder.BoxForm.SIGMOID_EXP, YoloAnchorsLayout.NAME);
    }

    @Override
    public Network newNetwork(ModelSpec spec) {
        // creating the first module loads libtorch, which needs its native files unpacked first
        Torch.load();
        return new YoloV4(spec.classes().size(), options(spec).width());
    }

    /** yolov4-pytorch's YOLOLoss as its train.py sets it: CIoU box term, focal_loss = False */
    @Override
    public Loss newLoss(ModelSpec spec, double labelSmoothing) {
        AnchorOptions o = options(spec);
        return new YoloLoss(o.anchors(), o.anchorsMask(), spec.classes().size(), spec.inputHeight(), spec.inputWidth(),
                labelSmoothing);
    }
}
