package sparkdet.models.yolov4tiny;

import sparkdet.model.Loss;
import sparkdet.model.ModelSpec;
import sparkdet.model.Network;
import sparkdet.model.Torch;
import sparkdet.models.yolo.AnchorYoloFamily;
import sparkdet.models.yolo.YoloAnchorDecoder;
import sparkdet.models.yolo.YoloAnchorsLayout;
import sparkdet.models.yolo.YoloLoss;

/**
 * YOLOv4-tiny of bubbliiiing/yolov4-tiny-pytorch: its network and parameter names (variants phi0, no
 * attention, and phi1..phi4: SE, CBAM, ECA and CA attention blocks, as its YoloBody's phi), the anchor-based
 * YOLO loss (CIoU box term) and decoder, and k-means anchors fitted to the training boxes.
 * Registered in META-INF/services/sparkdet.model.ModelFamily.
 */
public final class YoloV4TinyFamily extends AnchorYoloFamily {
    public static final String ARCHITECTURE = "yolov4-tiny";

    public YoloV4TinyFamily() {
        // phi0..phi4: no attention (the default), SE, CBAM, ECA, CA. The anchors are the repository's
        // model_data/yolo_anchors.txt for YOLOv4-tiny, sorted by area; the mask gives P5 then P4
        // (anchor 3 serves both, anchor 0 neither)
        super(ARCHITECTURE, Attention.variants(),
                new float[][] {{10, 14}, {23, 27}, {37, 58}, {81, 82}, {135, 169}, {344, 319}},
                new int[][] {{3, 4, 5}, {1, 2, 3}}, YoloAnchorDecoder.BoxForm.SIGMOID_EXP, YoloAnchorsLayout.NAME);
    }

    @Override
    public Network newNetwork(ModelSpec spec) {
        // creating the first module loads libtorch, which needs its native files unpacked first
        Torch.load();
        return new YoloV4Tiny(spec.classes().size(), options(spec).width(), Attention.ofVariant(spec.variant()));
    }

    @Override
    public Loss newLoss(ModelSpec spec, double labelSmoothing) {
        var o = options(spec);
        return new YoloLoss(o.anchors(), o.anchorsMask(), spec.classes().size(), spec.inputHeight(), spec.inputWidth(),
                labelSmoothing);
    }

    /** yolo-anchors sidecars without architecture predate YOLOv3 (which shares the layout): they are YOLOv4-tiny's */
    @Override
    public boolean ownsSharedLayout() {
        return true;
    }
}
