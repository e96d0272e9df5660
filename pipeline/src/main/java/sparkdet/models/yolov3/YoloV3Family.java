package sparkdet.models.yolov3;

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
 * YOLOv3 of bubbliiiing/yolo3-pytorch: its DarkNet-53 network and parameter names, the anchor-based
 * YOLO loss with that repository's GIoU box term and the anchor-based decoder
 * ({@code sparkdet.models.yolo}), k-means anchors (k = 9) fitted to the training boxes or the
 * repository's. Its exports have the {@code yolo-anchors} sidecar layout, which YOLOv4-tiny shares: a
 * .pth sidecar of a YOLOv3 must name {@code architecture = yolov3} (one naming only the layout means
 * YOLOv4-tiny, as before this family existed). Registered in
 * META-INF/services/sparkdet.model.ModelFamily.
 */
public final class YoloV3Family implements ModelFamily {
    public static final String ARCHITECTURE = "yolov3";
    /** DarkNet-53, the repository's only backbone */
    private static final List<String> VARIANTS = List.of("darknet53");
    /** the repository's model_data/yolo_anchors.txt, sorted by area */
    private static final float[][] DEFAULT_ANCHORS = {{10, 13}, {16, 30}, {33, 23}, {30, 61}, {62, 45}, {59, 119},
        {116, 90}, {156, 198}, {373, 326}};
    /** train.py's anchors_mask: the anchors of P5, P4, P3 */
    private static final int[][] MASK = {{6, 7, 8}, {3, 4, 5}, {0, 1, 2}};

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
        return YoloV3.MAX_STRIDE;
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
        return new YoloV3(spec.classes().size(), options(spec).width());
    }

    /** yolo3-pytorch's YOLOLoss: box term 1 - GIoU; label smoothing is sparkdet's (the reference has none) */
    @Override
    public Loss newLoss(ModelSpec spec, double labelSmoothing) {
        AnchorOptions o = options(spec);
        return new YoloLoss(o.anchors(), o.anchorsMask(), spec.classes().size(), spec.inputHeight(), spec.inputWidth(),
                labelSmoothing, YoloLoss.BoxIou.GIOU);
    }

    @Override
    public OutputDecoder newDecoder(ModelSpec spec) {
        AnchorOptions o = options(spec);
        return new YoloAnchorDecoder(YoloAnchorDecoder.BoxForm.SIGMOID_EXP, o.anchors(), o.anchorsMask(),
                spec.classes().size(), spec.inputHeight(), spec.inputWidth());
    }

    @Override
    public String sidecarLayout() {
        return YoloAnchorsLayout.NAME;
    }

    private static AnchorOptions options(ModelSpec spec) {
        if (!(spec.options() instanceof AnchorOptions o)) {
            throw new IllegalArgumentException("a " + ARCHITECTURE + " description holds options of another family: "
                    + spec.options().getClass().getName());
        }
        return check(o);
    }

    private static AnchorOptions check(AnchorOptions o) {
        return o.check(ARCHITECTURE, MASK.length, YoloV3.ANCHORS_PER_SCALE);
    }
}
