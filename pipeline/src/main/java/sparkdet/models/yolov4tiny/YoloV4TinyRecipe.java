package sparkdet.models.yolov4tiny;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sparkdet.image.PixelFormat;
import sparkdet.model.FamilyOptions;
import sparkdet.model.FamilyRecipe;
import sparkdet.models.yolo.Anchors;

/**
 * YOLOv4-tiny's recipe keys: {@code train.width} (the width multiplier) and {@code train.anchors}
 * (6 pairs w, h in input pixels, or [] for k-means over the training boxes, as the reference's
 * kmeans_for_anchors.py makes them).
 *
 * @param anchors the recipe's anchors, or null for k-means
 */
record YoloV4TinyRecipe(double width, float[][] anchors) implements FamilyRecipe {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(YoloV4TinyRecipe.class);
    private static final int ANCHOR_COUNT = YoloV4TinyOptions.DEFAULT_ANCHORS.length;

    YoloV4TinyRecipe {
        if (!(width > 0) || width > 2) {
            throw new IllegalArgumentException("width must be in (0, 2], not " + width);
        }
    }

    /** @param flat train.anchors: w0, h0, w1, h1, ... or empty */
    static YoloV4TinyRecipe of(double width, List<Double> flat) {
        if (flat.isEmpty()) {
            return new YoloV4TinyRecipe(width, null);
        }
        if (flat.size() != 2 * ANCHOR_COUNT) {
            throw new IllegalArgumentException("anchors: " + ANCHOR_COUNT + " pairs (w, h) in input pixels, or [] for "
                    + "k-means");
        }
        float[][] anchors = new float[ANCHOR_COUNT][];
        for (int i = 0; i < ANCHOR_COUNT; i++) {
            anchors[i] = new float[] {flat.get(2 * i).floatValue(), flat.get(2 * i + 1).floatValue()};
        }
        return new YoloV4TinyRecipe(width, anchors);
    }

    /** the recipe's anchors, or k-means (k = 6) over the training boxes' sizes */
    @Override
    public FamilyOptions fit(Supplier<List<float[]>> boxSizes, long seed) {
        if (anchors != null) {
            return YoloV4TinyOptions.withAnchors(width, anchors);
        }
        List<float[]> sizes = boxSizes.get();
        if (sizes.size() < ANCHOR_COUNT) {
            LOG.warn("{} training boxes are too few for k-means: the reference anchors are used", sizes.size());
            return YoloV4TinyOptions.defaults(width);
        }
        return YoloV4TinyOptions.withAnchors(width, Anchors.kmeans(sizes.toArray(new float[0][]), ANCHOR_COUNT, seed));
    }

    /** the anchors the run fitted, from its checkpoint; the width is the recipe's (the weights fix it anyway) */
    @Override
    public FamilyOptions resume(JsonNode checkpointState) {
        return YoloV4TinyOptions.withAnchors(width, YoloV4TinyOptions.readAnchors(checkpointState));
    }

    @Override
    public PixelFormat pixels() {
        return PixelFormat.unit();
    }
}
