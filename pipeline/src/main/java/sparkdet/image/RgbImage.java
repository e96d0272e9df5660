package sparkdet.image;

/** Decoded pixels: interleaved 8-bit RGB, row-major, width*height*3 bytes. */
public record RgbImage(int width, int height, byte[] rgb) {
    private static final float[] UNIT = new float[256];

    static {
        for (int i = 0; i < 256; i++) {
            UNIT[i] = i / 255f;
        }
    }

    public RgbImage {
        if (rgb.length != width * height * 3) {
            throw new IllegalArgumentException("expected " + width * height * 3 + " bytes, got " + rgb.length);
        }
    }

    /**
     * writes the pixels as planar (channels first) R, G, B floats in [0, 1] into {@code dst} from
     * {@code offset}: the layout a network's input tensor takes
     */
    public void toChw(float[] dst, int offset) {
        int plane = width * height;
        int g = offset + plane;
        int b = g + plane;
        for (int p = 0; p < plane; p++) {
            dst[offset + p] = UNIT[rgb[3 * p] & 0xff];
            dst[g + p] = UNIT[rgb[3 * p + 1] & 0xff];
            dst[b + p] = UNIT[rgb[3 * p + 2] & 0xff];
        }
    }
}
