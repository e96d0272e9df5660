package sparkdet.infer;

import java.util.ArrayList;
import java.util.List;
import sparkdet.image.PixelFormat;
import sparkdet.image.RgbImage;
import sparkdet.transforms.Pixels;
import sparkdet.transforms.Placement;
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

    /** where each picture lies in its input (to map boxes back) and the batch */
    record Batch(List<Placement> placements, float[] input, int size) {
        int count() {
            return placements.size();
        }
    }

    Batch prepare(List<RgbImage> images) {
        int plane = size * size;
        float[] input = new float[images.size() * 3 * plane];
        List<Placement> placements = new ArrayList<>(images.size());
        for (int i = 0; i < images.size(); i++) {
            RgbImage picture = images.get(i);
            Placement p = resize.place(picture.width(), picture.height(), size);
            // the scaled picture goes straight into the planes, the bars with it (as Letterbox builds them)
            RgbImage scaled = Pixels.resizeSmooth(picture, p.contentWidth(), p.contentHeight());
            pixels.toPlanes(scaled, input, i * 3 * plane, size, size, p.offsetX(), p.offsetY(), fill);
            placements.add(p);
        }
        return new Batch(placements, input, size);
    }
}
