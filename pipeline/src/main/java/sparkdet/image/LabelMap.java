package sparkdet.image;

/**
 * A segmentation label map: one byte per pixel, row-major, the pixel's class index (0 background,
 * 255 ignore), as the reference repositories read a mask with {@code np.array(Image.open(png))}.
 *
 * @param pixels width * height values, read as unsigned
 */
public record LabelMap(int width, int height, byte[] pixels) {
    public LabelMap {
        if (width < 1 || height < 1 || (long) width * height != pixels.length) {
            throw new IllegalArgumentException("a " + width + "x" + height + " label map needs "
                    + (long) width * height + " pixels, not " + pixels.length);
        }
    }

    /** the value at column x, row y, 0..255 */
    public int at(int x, int y) {
        return pixels[y * width + x] & 0xFF;
    }

    /** how many pixels hold each value 0..255 */
    public long[] histogram() {
        long[] counts = new long[256];
        for (byte p : pixels) {
            counts[p & 0xFF]++;
        }
        return counts;
    }
}
