package sparkdet.models.yolo;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sparkdet.image.PixelFormat;
import sparkdet.model.FamilyOptions;
import sparkdet.model.FamilyRecipe;

/**
 * The recipe keys of an anchor-based YOLO family: {@code train.width} (the width multiplier) and
 * {@code train.anchors} (the family's number of pairs w, h in input pixels, or [] for k-means over
 * the training boxes, as the references' kmeans_for_anchors.py makes them).
 *
 * @param anchors the recipe's anchors, or null for k-means
 * @param defaults the reference's anchors (also what k-means falls back to with too few boxes)
 * @param mask the family's anchors of each output
 */
public record AnchorRecipe(double width, float[][] anchors, float[][] defaults, int[][] mask) implements FamilyRecipe {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(AnchorRecipe.class);

    public AnchorRecipe {
        if (!(width > 0) || width > 2) {
            throw new IllegalArgumentException("width must be in (0, 2], not " + width);
        }
    }

    /** @param flat train.anchors: w0, h0, w1, h1, ... or empty */
    public static AnchorRecipe of(double width, List<Double> flat, float[][] defaults, int[][] mask) {
        if (flat.isEmpty()) {
            return new AnchorRecipe(width, null, defaults, mask);
        }
        if (flat.size() != 2 * defaults.length) {
            throw new IllegalArgumentException("anchors: " + defaults.length + " pairs (w, h) in input pixels, or [] for "
                    + "k-means");
        }
        float[][] anchors = new float[defaults.length][];
        for (int i = 0; i < defaults.length; i++) {
            anchors[i] = new float[] {flat.get(2 * i).floatValue(), flat.get(2 * i + 1).floatValue()};
        }
        return new AnchorRecipe(width, anchors, defaults, mask);
    }

    /** the recipe's anchors, or k-means (k = the family's anchor count) over the training boxes' sizes */
    @Override
    public FamilyOptions fit(Supplier<List<float[]>> boxSizes, long seed) {
        if (anchors != null) {
            return new AnchorOptions(width, anchors, mask);
        }
        List<float[]> sizes = boxSizes.get();
        if (sizes.size() < defaults.length) {
            LOG.warn("{} training boxes are too few for k-means: the reference anchors are used", sizes.size());
            return new AnchorOptions(width, defaults, mask);
        }
        return new AnchorOptions(width, Anchors.kmeans(sizes.toArray(new float[0][]), defaults.length, seed), mask);
    }

    /** the anchors the run fitted, from its checkpoint; the width is the recipe's (the weights fix it anyway) */
    @Override
    public FamilyOptions resume(JsonNode checkpointState) {
        return new AnchorOptions(width, AnchorOptions.readAnchors(checkpointState), mask);
    }

    @Override
    public PixelFormat pixels() {
        return PixelFormat.unit();
    }
}
