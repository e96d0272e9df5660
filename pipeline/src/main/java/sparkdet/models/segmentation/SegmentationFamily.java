package sparkdet.models.segmentation;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import sparkdet.model.FamilyOptions;
import sparkdet.model.FamilyRecipe;
import sparkdet.model.Loss;
import sparkdet.model.LrScaling;
import sparkdet.model.ModelFamily;
import sparkdet.model.ModelSpec;
import sparkdet.model.Task;

/**
 * What the semantic segmentation families (DeepLabv3+, PSPNet, UNet) share on the seam: task
 * segment, their options ({@link SegmentationOptions}) and recipe keys ({@link SegmentationRecipe}),
 * the references' loss ({@link SegmentationLoss}) and the {@code segmentation} sidecar layout, whose
 * logits every family decodes alike. A family adds its network, variants and learning-rate bounds.
 */
public abstract class SegmentationFamily implements ModelFamily {
    @Override
    public final Task task() {
        return Task.SEGMENT;
    }

    @Override
    public FamilyOptions readOptions(JsonNode modelJson) {
        return SegmentationOptions.read(modelJson);
    }

    /** {@code downsample-factor} (default 16, the references' train.py) and {@code width} (default 1) */
    @Override
    public FamilyOptions sidecarOptions(Config sidecar) {
        return SegmentationOptions.inference(sidecar.hasPath("width") ? sidecar.getDouble("width") : 1.0,
                sidecar.hasPath("downsample-factor") ? sidecar.getInt("downsample-factor") : 16);
    }

    @Override
    public FamilyRecipe recipe(Config train) {
        return SegmentationRecipe.of(train, lrScaling(train));
    }

    /** the family's train.py: its Adam bounds and its scheduler's warm-up and floor ratios */
    protected abstract LrScaling lrScaling(Config train);

    /** @param labelSmoothing must be 0: the references' segmentation losses have none (the recipe refuses it first) */
    @Override
    public Loss newLoss(ModelSpec spec, double labelSmoothing) {
        if (labelSmoothing != 0) {
            throw new IllegalArgumentException("the segmentation losses have no label smoothing, got " + labelSmoothing);
        }
        SegmentationOptions o = options(spec);
        int classes = spec.classes().size();
        return new SegmentationLoss(classes, o.focalLoss(), o.diceLoss(), o.classWeights(classes));
    }

    @Override
    public String sidecarLayout() {
        return SegmentationLayout.NAME;
    }

    /** the spec's options, which must be a segmentation family's */
    protected static SegmentationOptions options(ModelSpec spec) {
        if (!(spec.options() instanceof SegmentationOptions o)) {
            throw new IllegalArgumentException("a " + spec.architecture() + " description holds options of another "
                    + "family: " + spec.options().getClass().getName());
        }
        return o;
    }
}
