package sparkdet.transforms;

import java.util.List;
import sparkdet.image.LabelMap;
import sparkdet.image.RgbImage;

/**
 * An image and its ground truth in that image's pixels: boxes, and for segmentation a mask of the
 * image's size (null without one). What each transform takes and gives.
 */
public record Sample(RgbImage image, List<Box> boxes, LabelMap mask) {
    public Sample {
        boxes = List.copyOf(boxes);
        if (mask != null && (mask.width() != image.width() || mask.height() != image.height())) {
            throw new IllegalArgumentException("a " + mask.width() + "x" + mask.height() + " mask for a "
                    + image.width() + "x" + image.height() + " image");
        }
    }

    public Sample(RgbImage image, List<Box> boxes) {
        this(image, boxes, null);
    }
}
