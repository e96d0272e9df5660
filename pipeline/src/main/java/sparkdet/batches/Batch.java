package sparkdet.batches;

import java.util.List;
import sparkdet.image.LabelMap;
import sparkdet.image.PixelFormat;
import sparkdet.transforms.Box;
import sparkdet.transforms.Sample;

/**
 * Images ready for a model, and their targets.
 *
 * @param images count x 3 x size x size floats, planes (CHW) as the model's {@link PixelFormat} says;
 *               one contiguous array so that a tensor can wrap it without a copy
 * @param count images in the batch
 * @param size side of each image
 * @param boxes per image, rows of x1, y1, x2, y2, class (input pixels)
 * @param masks per image, its class map at the input size; null when the samples have no masks
 * @param imageIds per image, the dataset's image id
 */
public record Batch(float[] images, int count, int size, float[][][] boxes, LabelMap[] masks, List<String> imageIds) {
    static Batch of(List<Sample> samples, List<String> ids, int size, PixelFormat.Table pixels) {
        int plane = size * size;
        float[] images = new float[samples.size() * 3 * plane];
        float[][][] boxes = new float[samples.size()][][];
        LabelMap[] masks = samples.get(0).mask() == null ? null : new LabelMap[samples.size()];
        for (int i = 0; i < samples.size(); i++) {
            Sample s = samples.get(i);
            if (s.image().width() != size || s.image().height() != size) {
                throw new IllegalArgumentException("sample " + ids.get(i) + " is " + s.image().width() + "x"
                        + s.image().height() + ", the batch takes " + size + "x" + size);
            }
            pixels.toPlanes(s.image(), images, i * 3 * plane);
            boxes[i] = s.boxes().stream().map(Box::toRow).toArray(float[][]::new);
            if (masks != null) {
                masks[i] = s.mask();
            }
        }
        return new Batch(images, samples.size(), size, boxes, masks, List.copyOf(ids));
    }
}
