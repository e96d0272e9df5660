package sparkdet.image;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Locale;

/**
 * How a network takes its pixels: the order of its input's colour planes, and each 8-bit value v
 * as (v * scale - mean[c]) / std[c], with mean and std given in the planes' order. The training
 * batches and every predict back-end convert through {@link Table}, so a model sees at serving
 * time exactly the numbers it was trained on.
 */
public record PixelFormat(Channels channels, double scale, double[] mean, double[] std) implements Serializable {
    private static final long serialVersionUID = 1L;

    /** the order of the input's colour planes */
    public enum Channels {
        RGB, BGR;

        /** rgb or bgr, as model.json and sidecars spell it */
        public static Channels of(String name) {
            for (Channels c : values()) {
                if (c.label().equals(name)) {
                    return c;
                }
            }
            throw new IllegalArgumentException("channels: rgb or bgr, not '" + name + "'");
        }

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public PixelFormat {
        if (mean.length != 3 || std.length != 3) {
            throw new IllegalArgumentException("mean and std need 3 values each (one per plane), got "
                    + Arrays.toString(mean) + " and " + Arrays.toString(std));
        }
        for (double s : std) {
            if (!(s != 0) || !Double.isFinite(s)) {
                throw new IllegalArgumentException("std must be finite and not 0: " + Arrays.toString(std));
            }
        }
        mean = mean.clone();
        std = std.clone();
    }

    /** what the YOLO repositories do: RGB, pixels / 255, no mean or std */
    public static PixelFormat unit() {
        return new PixelFormat(Channels.RGB, 1.0 / 255, new double[] {0, 0, 0}, new double[] {1, 1, 1});
    }

    @Override
    public double[] mean() {
        return mean.clone();
    }

    @Override
    public double[] std() {
        return std.clone();
    }

    /** the conversion as 256 numbers per plane, built once per batch or per model */
    public Table table() {
        return new Table(this);
    }

    /** an 8-bit value's number, per plane (an 8-bit value is one of 256) */
    public static final class Table {
        private final float[][] values = new float[3][256];
        /** per input plane, the RGB byte it reads */
        private final int[] source;

        private Table(PixelFormat format) {
            source = format.channels == Channels.RGB ? new int[] {0, 1, 2} : new int[] {2, 1, 0};
            for (int c = 0; c < 3; c++) {
                for (int v = 0; v < 256; v++) {
                    values[c][v] = (float) ((v * format.scale - format.mean[c]) / format.std[c]);
                }
            }
        }

        /** writes the image as three planes (channels first) into {@code dst} from {@code offset} */
        public void toPlanes(RgbImage image, float[] dst, int offset) {
            toPlanes(image, dst, offset, image.width(), image.height(), 0, 0, 0);
        }

        /**
         * Writes a width x height input whose picture is {@code image} with its top left corner at
         * (x, y), the rest {@code fill} (a letterbox's bars): the square image and its conversion
         * in one pass, without building the square picture first.
         */
        public void toPlanes(RgbImage image, float[] dst, int offset, int width, int height, int x, int y, int fill) {
            if (x < 0 || y < 0 || x + image.width() > width || y + image.height() > height) {
                throw new IllegalArgumentException("a " + image.width() + "x" + image.height() + " picture at (" + x
                        + ", " + y + ") is not inside " + width + "x" + height);
            }
            byte[] rgb = image.rgb();
            int w = image.width();
            int plane = width * height;
            for (int c = 0; c < 3; c++) {
                float[] table = values[c];
                float bar = table[fill];
                int from = source[c];
                int at = offset + c * plane;
                java.util.Arrays.fill(dst, at, at + y * width, bar);
                for (int row = 0; row < image.height(); row++) {
                    int line = at + (y + row) * width;
                    java.util.Arrays.fill(dst, line, line + x, bar);
                    for (int col = 0, p = 3 * row * w + from; col < w; col++, p += 3) {
                        dst[line + x + col] = table[rgb[p] & 0xff];
                    }
                    java.util.Arrays.fill(dst, line + x + w, line + width, bar);
                }
                java.util.Arrays.fill(dst, at + (y + image.height()) * width, at + plane, bar);
            }
        }
    }
}
