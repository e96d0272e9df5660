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
        return YoloV4TinyOptions.read(modelJson);
    }

    /** anchors and anchors-mask as the yolo-anchors layout reads them, and {@code width} (default 1.0) */
    @Override
    public FamilyOptions sidecarOptions(Config sidecar) {
        float[][] anchors = YoloAnchorsLayout.anchors(sidecar);
        return new YoloV4TinyOptions(sidecar.hasPath("width") ? sidecar.getDouble("width") : 1.0, anchors,
                YoloAnchorsLayout.mask(sidecar, anchors.length));
    }

    @Override
    public FamilyRecipe recipe(Config train) {
        return YoloV4TinyRecipe.of(train.getDouble("width"), train.getDoubleList("anchors"));
    }

    @Override
    public Network newNetwork(ModelSpec spec) {
        // creating the first module loads libtorch, which needs its native files unpacked first
        Torch.load();
        return new YoloV4Tiny(spec.classes().size(), options(spec).width());
    }

    @Override
    public Loss newLoss(ModelSpec spec, double labelSmoothing) {
        YoloV4TinyOptions o = options(spec);
        return new YoloLoss(o.anchors(), o.anchorsMask(), spec.classes().size(), spec.inputHeight(), spec.inputWidth(),
                labelSmoothing);
    }

    @Override
    public OutputDecoder newDecoder(ModelSpec spec) {
        YoloV4TinyOptions o = options(spec);
        return new YoloAnchorDecoder(o.anchors(), o.anchorsMask(), spec.classes().size(), spec.inputHeight(),
                spec.inputWidth());
    }

    @Override
    public String sidecarLayout() {
        return YoloAnchorsLayout.NAME;
    }

    private static YoloV4TinyOptions options(ModelSpec spec) {
        if (!(spec.options() instanceof YoloV4TinyOptions o)) {
            throw new IllegalArgumentException("a " + ARCHITECTURE + " description holds options of another family: "
                    + spec.options().getClass().getName());
        }
        return o;
    }
}
