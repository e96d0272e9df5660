package sparkdet.model;

import sparkdet.image.LabelMap;

/**
 * The ground truth of a batch, as a {@link Loss} takes it.
 *
 * @param boxes per image, rows x1, y1, x2, y2, class in input pixels
 * @param masks per image, its class map at the input size (255 and values at or above the class
 *              count are ignored); null for detection
 */
public record Targets(float[][][] boxes, LabelMap[] masks) {
    public Targets(float[][][] boxes) {
        this(boxes, null);
    }

    /** the masks, refusing a batch without them: what a segmentation loss calls */
    public LabelMap[] requireMasks() {
        if (masks == null) {
            throw new IllegalArgumentException("a segmentation loss needs the batch's masks: train a segmentation "
                    + "model on a segmentation dataset (ingest --format voc-seg, or coco --task segment)");
        }
        return masks;
    }
}
