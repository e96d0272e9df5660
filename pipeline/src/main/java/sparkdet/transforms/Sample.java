package sparkdet.transforms;

import java.util.List;
import sparkdet.image.RgbImage;

/** An image and its boxes (in that image's pixels): what each transform takes and gives. */
public record Sample(RgbImage image, List<Box> boxes) {
    public Sample {
        boxes = List.copyOf(boxes);
    }
}
