package sparkdet.models.yolov4tiny;

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
import sparkdet.model.Torch;
import sparkdet.models.yolo.AnchorOptions;
import sparkdet.models.yolo.AnchorRecipe;
import sparkdet.models.yolo.YoloAnchorDecoder;
import sparkdet.models.yolo.YoloAnchorsLayout;
import sparkdet.models.yolo.YoloLoss;
import sparkdet.postprocess.OutputDecoder;

/**
 * YOLOv4-tiny of bubbliiiing/yolov4-tiny-pytorch: its network and parameter names, the anchor-based
 * YOLO loss and decoder ({@code sparkdet.models.yolo}), and k-means anchors fitted to the
 * training boxes. Registered in META-INF/services/sparkdet.model.ModelFamily.
 */
public final class YoloV4TinyFamily implements ModelFamily {
    public static final String ARCHITECTURE = "yolov4-tiny";
    /** the reference's phi = 0 (no attention); SE, CBAM, ECA and CA (phi 1-4) are not built yet */
    private static final List<String> VARIANTS = List.of("phi0");
    /** the repository's model_data/yolo_anchors.txt for YOLOv4-tiny, sorted by area */
    private static final float[][] DEFAULT_ANCHORS = {{10, 14}, {23, 27}, {37, 58}, {81, 82}, {135, 169}, {344, 319}};
    /** the anchors of each output, P5 then P4; anchor 3 serves both, anchor 0 neither */
    private static final int[][] MASK = {{3, 4, 5}, {1, 2, 3}};

    /** the reference's anchors and mask at a width */
    public static AnchorOptions defaultOptions(double width) {
        return new AnchorOptions(width, DEFAULT_ANCHORS, MASK);
    }

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
        return YoloV4Tiny.MAX_STRIDE;
    }

    @Override
    public FamilyOptions readOptions(JsonNode modelJson) {
        return check(AnchorOptions.read(modelJson));
    }

    /** anchors and anchors-mask as the yolo-anchors layout reads them, and {@code width} (default 1.0) */
    @Override
    public FamilyOptions sidecarOptions(Config sidecar) {
        float[][] anchors = YoloAnchorsLayout.anchors(sidecar);
        return check(new AnchorOptions(sidecar.hasPath("width") ? sidecar.getDouble("width") : 1.0, anchors,
                YoloAnchorsLayout.mask(sidecar, anchors.length)));
    }

    @Override
    public FamilyRecipe recipe(Config train) {
        return AnchorRecipe.of(train.getDouble("width"), train.getDoubleList("anchors"), DEFAULT_ANCHORS, MASK);
    }

    @Override
    public Network newNetwork(ModelSpec spec) {
        // creating the first module loads libtorch, which needs its native files unpacked first
        Torch.load();
        return new YoloV4Tiny(spec.classes().size(), options(spec).width());
    }

    @Override
    public Loss newLoss(ModelSpec spec, double labelSmoothing) {
        AnchorOptions o = options(spec);
        return new YoloLoss(o.anchors(), o.anchorsMask(), spec.classes().size(), spec.inputHeight(), spec.inputWidth(),
                labelSmoothing);
    }

    @Override
    public OutputDecoder newDecoder(ModelSpec spec) {
        AnchorOptions o = options(spec);
        return new YoloAnchorDecoder(YoloAnchorDecoder.BoxForm.SIGMOID_EXP, o.anchors(), o.anchorsMask(), spec.classes().size(),
                spec.inputHeight(), spec.inputWidth());
    }

    @Override
    public String sidecarLayout() {
        return YoloAnchorsLayout.NAME;
    }

    /** yolo-anchors sidecars without architecture predate YOLOv3 (which shares the layout): they are YOLOv4-tiny's */
    @Override
    public boolean ownsSharedLayout() {
        return true;
    }

    private static AnchorOptions options(ModelSpec spec) {
        if (!(spec.options() instanceof AnchorOptions o)) {
            throw new IllegalArgumentException("a " + ARCHITECTURE + " description holds options of another family: "
                    + spec.options().getClass().getName());
        }
        return check(o);
    }

    private static AnchorOptions check(AnchorOptions o) {
        return o.check(ARCHITECTURE, MASK.length, YoloV4Tiny.ANCHORS_PER_SCALE);
    }
}
