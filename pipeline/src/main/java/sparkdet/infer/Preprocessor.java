package sparkdet.infer;

import java.util.ArrayList;
import java.util.List;
import sparkdet.image.RgbImage;
import sparkdet.model.ModelSpec;
import sparkdet.transforms.Letterbox;

/**
 * Images to a network's input: each letterboxed into the square input (centred, grey bars), then
 * normalised per channel into one planar [n, 3, size, size] float array, through a 256-entry
 * table per channel (the normalisation of an 8-bit value is one of 256 numbers).
 */
final class Preprocessor {
    private final int size;
    private final int fill;
    private final float[][] table = new float[3][256];

    Preprocessor(InferenceSpec spec) {
        this.size = spec.inputSize();
        this.fill = spec.letterboxFill();
        ModelSpec.Normalization n = spec.normalization();
        for (int c = 0; c < 3; c++) {
            for (int v = 0; v < 256; v++) {
                table[c][v] = (float) ((v * n.scale() - n.mean()[c]) / n.std()[c]);
            }
        }
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
            Letterbox lb = Letterbox.of(images.get(i), size, fill);
            byte[] rgb = lb.image().rgb();
            int base = i * 3 * plane;
            for (int p = 0; p < plane; p++) {
                input[base + p] = table[0][rgb[3 * p] & 0xff];
                input[base + plane + p] = table[1][rgb[3 * p + 1] & 0xff];
                input[base + 2 * plane + p] = table[2][rgb[3 * p + 2] & 0xff];
            }
            boxes.add(lb);
        }
        return new Batch(boxes, input, size);
    }
}
