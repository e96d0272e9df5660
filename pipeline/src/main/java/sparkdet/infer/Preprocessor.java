package sparkdet.infer;

import java.util.ArrayList;
import java.util.List;
import sparkdet.image.PixelFormat;
import sparkdet.image.RgbImage;
import sparkdet.transforms.Letterbox;
import sparkdet.transforms.Resize;

/**
 * Images to a network's input: each letterboxed into the square input (centred, grey bars) or
 * stretched to fill it, as the model was trained ({@link Resize}), then
 * converted as the model takes its pixels ({@link PixelFormat}, the same conversion as training's
 * batches) into one planar [n, 3, size, size] float array.
 */
final class Preprocessor {
    private final int size;
    private final int fill;
    private final Resize resize;
    private final PixelFormat.Table pixels;

    Preprocessor(InferenceSpec spec) {
        this.size = spec.inputSize();
        this.fill = spec.letterboxFill();
        this.resize = spec.resize();
        this.pixels = spec.pixels().table();
    }

    /** the letterboxes (to map boxes back) and the batch */
    record Batch(List<Letterbox> letterboxes, float[] input, int size) {
        int count() {
            return letterboxes.size();
        }
    }

    Batch prepare(List<RgbImage> images) {
        int plane = size * size;
        float[] input = new float[images.size() * 3 * plane];
        List<Letterbox> boxes = new ArrayList<>(images.size());
        for (int i = 0; i < images.size(); i++) {
            Letterbox lb = resize.fit(images.get(i), size, fill);
            pixels.toPlanes(lb.image(), input, i * 3 * plane);
            boxes.add(lb);
        }
        return new Batch(boxes, input, size);
    }
}
