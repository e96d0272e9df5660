package sparkdet.models.yolox;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import java.util.List;
import java.util.function.Supplier;
import sparkdet.image.PixelFormat;
import sparkdet.model.FamilyOptions;
import sparkdet.model.FamilyRecipe;

/**
 * YOLOX's part of a recipe: {@code train.width}, sparkdet's width multiplier on top of the variant.
 * Anchor-free, so nothing is fitted to the training boxes; a recipe that sets {@code train.anchors}
 * or {@code train.label-smoothing} (which the reference's loss does not have) is refused rather than
 * silently ignored.
 */
public record YoloXRecipe(double width) implements FamilyRecipe {
    private static final long serialVersionUID = 1L;

    public YoloXRecipe {
        if (!(width > 0) || width > 2) {
            throw new IllegalArgumentException("width must be in (0, 2], not " + width);
        }
    }

    /** @param train the recipe's {@code sparkdet.train} section */
    static YoloXRecipe of(Config train) {
        if (!train.getDoubleList("anchors").isEmpty()) {
            throw new IllegalArgumentException("anchors: yolox is anchor-free; leave train.anchors = []");
        }
        if (train.getDouble("label-smoothing") != 0) {
            throw new IllegalArgumentException("label-smoothing: the YOLOX reference's loss has none; leave "
                    + "train.label-smoothing = 0");
        }
        return new YoloXRecipe(train.getDouble("width"));
    }

    /** the recipe's width and the reference's strides: nothing to fit (the boxes are never gathered) */
    @Override
    public FamilyOptions fit(Supplier<List<float[]>> boxSizes, long seed) {
        return YoloXOptions.of(width);
    }

    /** the options the run was started with, from its checkpoint */
    @Override
    public FamilyOptions resume(JsonNode checkpointState) {
        return YoloXOptions.read(checkpointState);
    }

    @Override
    public PixelFormat pixels() {
        return YoloXLayout.PIXELS;
    }
}
