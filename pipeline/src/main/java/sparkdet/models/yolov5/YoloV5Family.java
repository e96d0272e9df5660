package sparkdet.models.yolov5;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import java.util.List;
import sparkdet.model.FamilyOptions;
import sparkdet.model.FamilyRecipe;
import sparkdet.model.Loss;
import sparkdet.model.ModelFamily;
import sparkdet.model.ModelSpec;
import sparkdet.model.Network;
import sparkdet.model.Task;
import sparkdet.models.yolo.AnchorOptions;
import sparkdet.models.yolo.YoloAnchorDecoder;
import sparkdet.models.yolo.AnchorRecipe;
import sparkdet.models.yolo.YoloAnchorsLayout;
import sparkdet.postprocess.OutputDecoder;

/**
 * YOLOv5 of bubbliiiing/yolov5-pytorch: its network and parameter names (variants n/s/m/l/x by
 * depth and width, {@link YoloV5Variant}), its loss with the dataloader's neighbouring-cell target
 * assignment ({@link YoloV5Loss}), the {@code yolov5} decoder, and the anchor-based families'
 * width and anchors keys ({@link AnchorRecipe}: [] = k-means over the training boxes, k = 9; the
 * reference keeps its COCO anchors). Registered in META-INF/services/sparkdet.model.ModelFamily.
 */
public final class YoloV5Family implements ModelFamily {
    public static final String ARCHITECTURE = "yolov5";
    /** the reference train.py's default phi first */
    private static final List<String> VARIANTS = List.of("s", "n", "m", "l", "x");

    @Override
    public String architecture() {
        return ARCHITECTURE;
    }

    @Override
    public Task task() {
        return Task.DETECT;
    }

    @Override
    public List<String> variants() {
        return VARIANTS;
    }

    @Override
    public int inputMultiple() {
        return YoloV5.MAX_STRIDE;
    }

    @Override
    public FamilyOptions readOptions(JsonNode modelJson) {
        return check(AnchorOptions.read(modelJson));
    }

    /** anchors (default: the reference's), anchors-mask (default: its P5, P4, P3 mask) and width (default 1.0) */
    @Override
    public FamilyOptions sidecarOptions(Config sidecar) {
        return check(YoloV5Layout.options(sidecar, sidecar.hasPath("width") ? sidecar.getDouble("width") : 1.0));
    }

    @Override
    public FamilyRecipe recipe(Config train) {
        return AnchorRecipe.of(train.getDouble("width"), train.getDoubleList("anchors"), YoloV5Loss.defaultAnchors(),
                YoloV5Loss.defaultMask());
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

    @Override
    public OutputDecoder newDecoder(ModelSpec spec) {
        AnchorOptions o = options(spec);
        return new YoloAnchorDecoder(YoloAnchorDecoder.BoxForm.YOLOV5, o.anchors(), o.anchorsMask(), spec.classes().size(),
                spec.inputHeight(), spec.inputWidth());
    }

    @Override
    public String sidecarLayout() {
        return YoloV5Layout.NAME;
    }

    private static AnchorOptions options(ModelSpec spec) {
        if (!(spec.options() instanceof AnchorOptions o)) {
            throw new IllegalArgumentException("a " + ARCHITECTURE + " description holds options of another family: "
                    + spec.options().getClass().getName());
        }
        return check(o);
    }

    private static AnchorOptions check(AnchorOptions o) {
        return o.check(ARCHITECTURE, YoloV5Loss.defaultMask().length, YoloV5.ANCHORS_PER_SCALE);
    }
}
