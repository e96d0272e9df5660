package sparkdet.image;

/** Decoded pixels: interleaved 8-bit RGB, row-major, width*height*3 bytes. */
public record RgbImage(int width, int height, byte[] rgb) {
    public RgbImage {
        if (rgb.length != width * height * 3) {
            throw new IllegalArgumentException("expected " + width * height * 3 + " bytes, got " + rgb.length);
        }
    }
}
