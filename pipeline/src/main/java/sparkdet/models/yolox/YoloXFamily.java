package sparkdet.models.yolox;

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
import sparkdet.postprocess.OutputDecoder;

/**
 * YOLOX of bubbliiiing/yolox-pytorch: its network and parameter names (variants nano, tiny, s, m, l,
 * x by depth and width, nano depthwise: {@link YoloXVariant}), its anchor-free loss with SimOTA
 * ({@link YoloXLoss}), the {@code yolox} decoder and sidecar layout, and its pixels (ImageNet mean
 * and std). The recipe key is {@code train.width} ({@link YoloXRecipe}). Registered in
 * META-INF/services/sparkdet.model.ModelFamily.
 */
public final class YoloXFamily implements ModelFamily {
    public static final String ARCHITECTURE = "yolox";

    @Override
    public String architecture() {
        return ARCHITECTURE;
    }

    @Override
    public Task task() {
        return Task.DETECT;
    }

    /** the reference train.py's default phi (s) first */
    @Override
    public List<String> variants() {
        return YoloXVariant.phis();
    }

    /** the largest stride */
    @Override
    public int inputMultiple() {
        return YoloXOptions.STRIDES[YoloXOptions.STRIDES.length - 1];
    }

    @Override
    public FamilyOptions readOptions(JsonNode modelJson) {
        return YoloXOptions.read(modelJson);
    }

    /** {@code width} (default 1.0, the reference's network) */
    @Override
    public FamilyOptions sidecarOptions(Config sidecar) {
        return YoloXOptions.of(sidecar.hasPath("width") ? sidecar.getDouble("width") : 1.0);
    }

    @Override
    public FamilyRecipe recipe(Config train) {
        return YoloXRecipe.of(train);
    }

    @Override
    public Network newNetwork(ModelSpec spec) {
        return YoloXVariant.of(spec.variant()).newModel(spec.classes().size(), options(spec).width());
    }

    /** @param labelSmoothing must be 0: the reference's loss has none (the recipe refuses it first) */
    @Override
    public Loss newLoss(ModelSpec spec, double labelSmoothing) {
        if (labelSmoothing != 0) {
            throw new IllegalArgumentException("the YOLOX loss has no label smoothing, got " + labelSmoothing);
        }
        return new YoloXLoss(spec.classes().size(), options(spec).strides(), spec.inputHeight(), spec.inputWidth());
    }

    @Override
    public OutputDecoder newDecoder(ModelSpec spec) {
        return new YoloXDecoder(spec.classes().size(), spec.inputHeight(), spec.inputWidth());
    }

    @Override
    public String sidecarLayout() {
        return YoloXLayout.NAME;
    }

    private static YoloXOptions options(ModelSpec spec) {
        if (!(spec.options() instanceof YoloXOptions o)) {
            throw new IllegalArgumentException("a yolox description holds options of another family: "
                    + spec.options().getClass().getName());
        }
        return o;
    }
}
