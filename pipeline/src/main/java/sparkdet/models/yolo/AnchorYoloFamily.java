package sparkdet.models.yolo;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import java.util.List;
import sparkdet.model.FamilyOptions;
import sparkdet.model.FamilyRecipe;
import sparkdet.model.ModelFamily;
import sparkdet.model.ModelSpec;
import sparkdet.model.Task;
import sparkdet.postprocess.OutputDecoder;

/**
 * What the anchor-based YOLO families (YOLOv3, YOLOv4-tiny, YOLOv5) have in common: detection with
 * three anchors per output and a largest stride of 32; {@link AnchorOptions} in model.json and in
 * sidecars (the reference's anchors and mask where a sidecar gives none); the {@code width} and
 * {@code anchors} recipe keys ({@link AnchorRecipe}); {@link YoloAnchorDecoder} with the family's
 * box form. A family adds its network and its loss.
 */
public abstract class AnchorYoloFamily implements ModelFamily {
    /** anchors per output in every anchor-based YOLO of the reference repositories */
    public static final int ANCHORS_PER_SCALE = 3;
    /** the largest stride (P5), which input sides must be multiples of */
    public static final int MAX_STRIDE = 32;

    private final String architecture;
    private final List<String> variants;
    private final float[][] defaultAnchors;
    private final int[][] mask;
    private final YoloAnchorDecoder.BoxForm form;
    private final String layout;

    /**
     * @param variants the default first
     * @param defaultAnchors the reference's anchors (w, h) in input pixels
     * @param mask the reference's anchors of each output, in output order
     */
    protected AnchorYoloFamily(String architecture, List<String> variants, float[][] defaultAnchors, int[][] mask,
                               YoloAnchorDecoder.BoxForm form, String layout) {
        this.architecture = architecture;
        this.variants = List.copyOf(variants);
        this.defaultAnchors = defaultAnchors;
        this.mask = mask;
        this.form = form;
        this.layout = layout;
    }

    @Override
    public final String architecture() {
        return architecture;
    }

    @Override
    public final Task task() {
        return Task.DETECT;
    }

    @Override
    public final List<String> variants() {
        return variants;
    }

    @Override
    public final int inputMultiple() {
        return MAX_STRIDE;
    }

    /** the reference's anchors and mask at a width */
    public final AnchorOptions defaultOptions(double width) {
        return new AnchorOptions(width, defaultAnchors, mask);
    }

    @Override
    public final FamilyOptions readOptions(JsonNode modelJson) {
        return check(AnchorOptions.read(modelJson));
    }

    /** {@code anchors} and {@code anchors-mask} ({@link #sidecarAnchors}) and {@code width} (default 1.0) */
    @Override
    public final FamilyOptions sidecarOptions(Config sidecar) {
        return check(sidecarAnchors(sidecar, sidecar.hasPath("width") ? sidecar.getDouble("width") : 1.0));
    }

    /**
     * the anchors and mask a sidecar gives; without anchors the reference's anchors and mask, and
     * with anchors but no mask the repositories' mask for that many (so 9 anchors given to a
     * two-output family are refused, not silently masked)
     */
    public final AnchorOptions sidecarAnchors(Config sidecar, double width) {
        if (!sidecar.hasPath("anchors")) {
            return new AnchorOptions(width, defaultAnchors, mask);
        }
        float[][] anchors = YoloAnchorsLayout.anchors(sidecar);
        return new AnchorOptions(width, anchors, YoloAnchorsLayout.mask(sidecar, anchors.length));
    }

    @Override
    public final FamilyRecipe recipe(Config train) {
        return AnchorRecipe.of(train.getDouble("width"), train.getDoubleList("anchors"), defaultAnchors, mask);
    }

    @Override
    public final OutputDecoder newDecoder(ModelSpec spec) {
        AnchorOptions o = options(spec);
        return new YoloAnchorDecoder(form, o.anchors(), o.anchorsMask(), spec.classes().size(), spec.inputHeight(),
                spec.inputWidth());
    }

    @Override
    public final String sidecarLayout() {
        return layout;
    }

    /** the spec's options, checked against the family's outputs */
    protected final AnchorOptions options(ModelSpec spec) {
        if (!(spec.options() instanceof AnchorOptions o)) {
            throw new IllegalArgumentException("a " + architecture + " description holds options of another family: "
                    + spec.options().getClass().getName());
        }
        return check(o);
    }

    private AnchorOptions check(AnchorOptions o) {
        return o.check(architecture, mask.length, ANCHORS_PER_SCALE);
    }
}
