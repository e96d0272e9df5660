package sparkdet.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.Serializable;
import java.util.List;
import java.util.function.Supplier;
import sparkdet.image.PixelFormat;

/**
 * A family's part of a training recipe: its own {@code train.*} keys, read and checked on the
 * driver by {@link ModelFamily#recipe}, and the step that turns them into the options of a run.
 */
public interface FamilyRecipe extends Serializable {
    /**
     * The options of a new run: the recipe's, with what it leaves open fitted to the training data
     * (the anchor-based families' k-means of the box sizes).
     *
     * @param boxSizes the training boxes' (w, h) in input pixels, letterboxed as the loader does;
     *     gathered only when called (two passes over the training set)
     * @param seed the recipe's seed
     */
    FamilyOptions fit(Supplier<List<float[]>> boxSizes, long seed);

    /** the options of a run resumed from a checkpoint whose state.json holds what {@link FamilyOptions#writeTo} wrote */
    FamilyOptions resume(JsonNode checkpointState);

    /** how the networks this recipe trains take their pixels */
    PixelFormat pixels();

    /** how the reference scales and schedules the learning rate: the YOLO repositories' unless said otherwise */
    default LrScaling lrScaling() {
        return LrScaling.YOLO;
    }

    /**
     * whether weight decay applies to every parameter (the segmentation repositories' optimisers over
     * model.parameters()) rather than to convolution weights only (the YOLO repositories' groups)
     */
    default boolean decaysEveryParameter() {
        return false;
    }
}
