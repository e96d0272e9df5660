package sparkdet.eval;

import java.io.Serializable;

/**
 * One image of a segmentation evaluation.
 *
 * @param index its number in the ground truth's order (the order skipped images are listed in)
 * @param stem the image's name without folder and extension; the prediction is {@code <stem>.png}
 * @param label the URI of its label PNG (class indices)
 * @param prediction the URI of its predicted PNG (class indices)
 */
public record MaskPair(long index, String stem, String label, String prediction) implements Serializable {
}
