package sparkdet.models.yolov5;

import java.util.List;
import sparkdet.model.Loss;
import sparkdet.model.ModelSpec;
import sparkdet.model.Network;
import sparkdet.models.yolo.AnchorOptions;
import sparkdet.models.yolo.AnchorYoloFamily;
import sparkdet.models.yolo.YoloAnchorDecoder;

/**
 * YOLOv5 of bubbliiiing/yolov5-pytorch: its network and parameter names (variants n/s/m/l/x by
 * depth and width, {@link YoloV5Variant}), its loss with the dataloader's neighbouring-cell target
 * assignment ({@link YoloV5Loss}), the {@code yolov5} decoder, and the anchor-based families'
 * width and anchors keys ({@link AnchorRecipe}: [] = k-means over the training boxes, k = 9; the
 * reference keeps its COCO anchors). Registered in META-INF/services/sparkdet.model.ModelFamily.
 */
public final class YoloV5Family extends AnchorYoloFamily {
    public static final String ARCHITECTURE = "yolov5";

    public YoloV5Family() {
        // the reference train.py's default phi first
        super(ARCHITECTURE, List.of("s", "n", "m", "l", "x"), YoloV5Loss.defaultAnchors(), YoloV5Loss.defaultMask(),
                YoloAnchorDecoder.BoxForm.YOLOV5, YoloV5Layout.NAME);
    }

    @Override
    public Network newNetwork(ModelSpec spec) {
        return YoloV5Variant.of(spec.variant()).newModel(spec.classes().size(), options(spec).width());
    }

    @Override
    public Loss newLoss(ModelSpec spec, double labelSmoothing) {
        AnchorOptions o = options(spec);
        return new YoloV5Loss(o.anchors(), o.anchorsMask(), spec.classes().size(), spec.inputHeight(),
                spec.inputWidth(), labelSmoothing);
    }
}
