package sparkdet.models.segmentation;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import java.util.List;
import java.util.function.Supplier;
import sparkdet.image.PixelFormat;
import sparkdet.model.FamilyOptions;
import sparkdet.model.FamilyRecipe;
import sparkdet.model.LrScaling;

/**
 * A segmentation family's part of a recipe: {@code train.width} and the {@code train.segment}
 * keys (downsample-factor, aux-branch, dice-loss, focal-loss, class-weights: the reference
 * train.py's switches). Nothing is fitted to the data; anchors and label smoothing, which the
 * references' segmentation losses do not have, are refused rather than ignored.
 *
 * @param lrScaling the family's train.py: the learning rate scaled by the batch over 16 images
 */
public record SegmentationRecipe(SegmentationOptions options, LrScaling lrScaling) implements FamilyRecipe {
    private static final long serialVersionUID = 1L;

    /**
     * the segmentation repositories' nbs = 16 and SGD bounds 5e-4..1e-1, with the family's Adam
     * bounds and its scheduler's warm-up and floor ratios
     */
    public static LrScaling scaling(double adamMin, double adamMax, double warmupRatio, double floorRatio) {
        return new LrScaling(16, adamMin, adamMax, 5e-4, 1e-1, warmupRatio, floorRatio);
    }

    /** @param train the recipe's {@code sparkdet.train} section */
    public static SegmentationRecipe of(Config train, LrScaling lrScaling) {
        if (!train.getDoubleList("anchors").isEmpty()) {
            throw new IllegalArgumentException("anchors: a segmentation model has none; leave train.anchors = []");
        }
        if (train.getDouble("label-smoothing") != 0) {
            throw new IllegalArgumentException("label-smoothing: the segmentation references' losses have none; "
                    + "leave train.label-smoothing = 0");
        }
        if (train.getBoolean("augment.mosaic") || train.getBoolean("augment.mixup")) {
            throw new IllegalArgumentException("augment.mosaic and augment.mixup blend boxes: the segmentation "
                    + "references train on single images; set both to false");
        }
        Config s = train.getConfig("segment");
        List<Double> weights = s.getDoubleList("class-weights");
        float[] classWeights = new float[weights.size()];
        for (int i = 0; i < classWeights.length; i++) {
            classWeights[i] = weights.get(i).floatValue();
        }
        return new SegmentationRecipe(new SegmentationOptions(train.getDouble("width"), s.getInt("downsample-factor"),
                s.getBoolean("aux-branch"), s.getBoolean("dice-loss"), s.getBoolean("focal-loss"), classWeights),
                lrScaling);
    }

    @Override
    public FamilyOptions fit(Supplier<List<float[]>> boxSizes, long seed) {
        return options;
    }

    @Override
    public FamilyOptions resume(JsonNode checkpointState) {
        return SegmentationOptions.read(checkpointState);
    }

    /** the references' optimisers take model.parameters() whole */
    @Override
    public boolean decaysEveryParameter() {
        return true;
    }

    /** the references' preprocess_input: RGB / 255 */
    @Override
    public PixelFormat pixels() {
        return PixelFormat.unit();
    }
}
