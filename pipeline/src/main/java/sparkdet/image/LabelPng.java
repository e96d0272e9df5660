package sparkdet.image;

import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
import javax.imageio.ImageIO;

/**
 * Segmentation masks as PNG files: the pixel value is the class index, whether the PNG is grey or
 * has a palette (VOC's SegmentationClass masks are palette PNGs whose colours are only for
 * viewing). OpenCV cannot read them: it expands a palette to colours. This reads the indices as the
 * reference repositories' {@code np.array(Image.open(png))} does, refusing a size above the pixel
 * limit from the header before inflating anything, and writes grey or VOC-palette masks.
 *
 * <p>Grey and palette PNGs that are not interlaced (what PIL, labelme and OpenCV write) are decoded
 * here, in one pass over the inflated rows; interlaced ones go through javax.imageio.
 */
public final class LabelPng {
    private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    private static final int GREY = 0;
    private static final int PALETTE = 3;
    /** eight bytes of a row as one long */
    private static final VarHandle WORDS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long LOW_SEVEN_BITS = 0x7F7F7F7F7F7F7F7FL;

    private LabelPng() {
    }

    /**
     * What a PNG's header says.
     *
     * @param colorType 0 grey, 2 RGB, 3 palette, 4 grey + alpha, 6 RGBA
     */
    public record Header(int width, int height, int bitDepth, int colorType, boolean interlaced) {
        /** the values per pixel of the decoded picture: 1 for grey and palette (the class index) */
        public int channels() {
            return switch (colorType) {
                case 2 -> 3;
                case 4 -> 2;
                case 6 -> 4;
                default -> 1;
            };
        }

        /** e.g. "8-bit RGB" */
        public String describe() {
            String kind = switch (colorType) {
                case GREY -> "grey";
                case 2 -> "RGB";
                case PALETTE -> "palette";
                case 4 -> "grey + alpha";
                case 6 -> "RGBA";
                default -> "colour type " + colorType;
            };
            return bitDepth + "-bit " + kind;
        }
    }

    /**
     * @throws IOException when the bytes are not a PNG
     */
    public static Header header(byte[] png) throws IOException {
        if (png.length < 33 || !startsWithSignature(png)) {
            throw new IOException("not a PNG file");
        }
        ByteBuffer in = ByteBuffer.wrap(png);
        if (in.getInt(8) != 13 || !"IHDR".equals(type(png, 12))) {
            throw new IOException("PNG without an IHDR header first");
        }
        int width = in.getInt(16);
        int height = in.getInt(20);
        if (width < 1 || height < 1) {
            throw new IOException("PNG header gives a size of " + Integer.toUnsignedString(width) + "x"
                    + Integer.toUnsignedString(height));
        }
        return new Header(width, height, png[24] & 0xFF, png[25] & 0xFF, png[28] != 0);
    }

    /**
     * The class index of every pixel, in an array of its own.
     *
     * @param name the file, for messages
     * @throws ImageTooLargeException when the header declares more pixels than the limit
     * @throws IOException naming the file and the problem: not a PNG, more than one value per pixel
     *         (a colour-coded mask), 16 bits per value, truncated or corrupt data
     */
    public static LabelMap decode(byte[] png, String name, PixelLimit limit) throws IOException {
        try (Decoder decoder = new Decoder()) {
            return decoder.decode(png, name, limit);
        }
    }

    /**
     * Decodes mask after mask with one inflater and one pair of buffers, for loops over many masks
     * (evaluate reads two a pair): a new inflater and two new arrays a mask, zeroed and soon
     * garbage, cost a fifth of decoding a 512x512 one. The map {@link #decode} returns shares the
     * decoder's pixel buffer, which its next decode overwrites; one decoder per thread.
     */
    public static final class Decoder implements AutoCloseable {
        private final Inflater inflater = new Inflater();
        /** the inflated rows, each behind its filter byte */
        private byte[] rows = new byte[0];
        private byte[] pixels = new byte[0];

        /** {@link LabelPng#decode}, into this decoder's buffers (valid until its next decode) */
        public LabelMap decode(byte[] png, String name, PixelLimit limit) throws IOException {
            Header header;
            try {
                header = header(png);
            } catch (IOException e) {
                throw new IOException(name + ": " + e.getMessage(), e);
            }
            limit.check(name, "mask refused undecoded: its header declares", header.width(), header.height());
            if (header.channels() != 1) {
                throw new IOException(name + ": a " + header.describe() + " PNG has " + header.channels()
                        + " values per pixel; a mask holds one class index per pixel (grey or palette)");
            }
            if (header.bitDepth() > 8) {
                throw new IOException(name + ": a " + header.describe() + " PNG; masks of class indices are 8-bit");
            }
            try {
                return header.interlaced() ? throughImageIo(png, name, header) : inflate(png, header);
            } catch (DataFormatException | RuntimeException e) {
                throw new IOException(name + ": corrupt PNG data (" + e.getMessage() + ")", e);
            } catch (IOException e) {
                throw new IOException(name + ": " + e.getMessage(), e);
            }
        }

        private LabelMap inflate(byte[] png, Header header) throws IOException, DataFormatException {
            int width = header.width();
            int height = header.height();
            int bits = header.bitDepth();
            int rowBytes = (int) (((long) width * bits + 7) / 8);
            int size = Math.multiplyExact(height, rowBytes + 1);
            if (rows.length < size) {
                rows = new byte[size];
            }
            inflater.reset();
            int filled = 0;
            boolean ended = false;
            CRC32 crc = new CRC32();
            int pos = 8;
            while (!ended) {
                if (pos + 12 > png.length) {
                    throw new IOException("truncated PNG: no IEND chunk");
                }
                int length = ByteBuffer.wrap(png).getInt(pos);
                if (length < 0 || pos + 12L + length > png.length) {
                    throw new IOException("truncated PNG: a chunk runs past the end of the file");
                }
                String type = type(png, pos + 4);
                crc.reset();
                crc.update(png, pos + 4, 4 + length);
                if ((int) crc.getValue() != ByteBuffer.wrap(png).getInt(pos + 8 + length)) {
                    throw new IOException("corrupt PNG: the checksum of a " + type + " chunk does not match");
                }
                if ("IDAT".equals(type)) {
                    inflater.setInput(png, pos + 8, length);
                    while (!inflater.needsInput() && !inflater.finished()) {
                        if (filled == size) {
                            throw new IOException("PNG data inflates to more than its declared "
                                    + width + "x" + height + " pixels");
                        }
                        int n = inflater.inflate(rows, filled, size - filled);
                        if (n == 0 && inflater.needsDictionary()) {
                            throw new IOException("PNG data asks for a preset dictionary");
                        }
                        filled += n;
                    }
                } else if ("IEND".equals(type)) {
                    ended = true;
                }
                pos += 12 + length;
            }
            if (filled < size) {
                throw new IOException("truncated PNG: " + filled + " of " + size + " bytes of pixel rows");
            }
            unfilter(rows, height, rowBytes);
            if (pixels.length != width * height) {
                pixels = new byte[width * height];
            }
            unpack(rows, pixels, width, height, rowBytes, bits, header.colorType());
            return new LabelMap(width, height, pixels);
        }

        @Override
        public void close() {
            inflater.end();
        }
    }

    /** reverses the per-row filters in place (one byte per pixel step: grey and palette up to 8 bits) */
    private static void unfilter(byte[] raw, int height, int rowBytes) throws IOException {
        int stride = rowBytes + 1;
        for (int y = 0; y < height; y++) {
            int row = y * stride + 1;
            int above = row - stride;
            int filter = raw[row - 1];
            switch (filter) {
                case 0 -> {
                }
                case 1 -> {
                    // the running value kept in an int: read back from the array, each byte waited
                    // for the previous one's store (15 % slower; a byte variable, twice as slow)
                    int left = raw[row];
                    for (int i = 1; i < rowBytes; i++) {
                        left += raw[row + i];
                        raw[row + i] = (byte) left;
                    }
                }
                case 2 -> {
                    if (y > 0) {
                        addRowAbove(raw, row, above, rowBytes);
                    }
                }
                case 3 -> {
                    for (int i = 0; i < rowBytes; i++) {
                        int left = i > 0 ? raw[row + i - 1] & 0xFF : 0;
                        int up = y > 0 ? raw[above + i] & 0xFF : 0;
                        raw[row + i] += (byte) ((left + up) >>> 1);
                    }
                }
                case 4 -> {
                    for (int i = 0; i < rowBytes; i++) {
                        int a = i > 0 ? raw[row + i - 1] & 0xFF : 0;
                        int b = y > 0 ? raw[above + i] & 0xFF : 0;
                        int c = i > 0 && y > 0 ? raw[above + i - 1] & 0xFF : 0;
                        raw[row + i] += (byte) paeth(a, b, c);
                    }
                }
                default -> throw new IOException("corrupt PNG: unknown row filter " + filter);
            }
        }
    }

    /**
     * the Up filter, eight bytes at a time (each byte modulo 256: the sum of the low seven bits,
     * the top bit set by an exclusive or): a byte loop over one array is not vectorised, and PIL
     * filters a fifth of a grey mask's rows so
     */
    private static void addRowAbove(byte[] raw, int row, int above, int rowBytes) {
        int i = 0;
        for (; i + Long.BYTES <= rowBytes; i += Long.BYTES) {
            long x = (long) WORDS.get(raw, row + i);
            long up = (long) WORDS.get(raw, above + i);
            WORDS.set(raw, row + i, ((x & LOW_SEVEN_BITS) + (up & LOW_SEVEN_BITS)) ^ ((x ^ up) & ~LOW_SEVEN_BITS));
        }
        for (; i < rowBytes; i++) {
            raw[row + i] += raw[above + i];
        }
    }

    private static int paeth(int a, int b, int c) {
        int p = a + b - c;
        int pa = Math.abs(p - a);
        int pb = Math.abs(p - b);
        int pc = Math.abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }

    /**
     * One value per pixel from the unfiltered rows. Grey of 2 and 4 bits is scaled to 0..255 and grey
     * of 1 bit read as 0/1, as PIL reads them; palette indices are taken as they are.
     */
    private static void unpack(byte[] rows, byte[] pixels, int width, int height, int rowBytes, int bits,
                               int colorType) {
        int stride = rowBytes + 1;
        if (bits == 8) {
            for (int y = 0; y < height; y++) {
                System.arraycopy(rows, y * stride + 1, pixels, y * width, width);
            }
            return;
        }
        int perByte = 8 / bits;
        int mask = (1 << bits) - 1;
        int scale = colorType == PALETTE || bits == 1 ? 1 : 255 / mask;
        for (int y = 0; y < height; y++) {
            int row = y * stride + 1;
            for (int x = 0; x < width; x++) {
                int shift = 8 - bits * (x % perByte + 1);
                int value = (rows[row + x / perByte] >>> shift) & mask;
                pixels[y * width + x] = (byte) (value * scale);
            }
        }
    }

    private static LabelMap throughImageIo(byte[] png, String name, Header header) throws IOException {
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        if (image == null) {
            throw new IOException("javax.imageio cannot read this " + header.describe() + " PNG");
        }
        Raster raster = image.getRaster();
        int width = image.getWidth();
        int height = image.getHeight();
        int[] values = raster.getSamples(0, 0, width, height, 0, new int[width * height]);
        boolean indexed = image.getColorModel() instanceof IndexColorModel;
        int depth = raster.getSampleModel().getSampleSize(0);
        int scale = indexed || depth >= 8 || depth == 1 ? 1 : 255 / ((1 << depth) - 1);
        byte[] pixels = new byte[width * height];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) (values[i] * scale);
        }
        return new LabelMap(width, height, pixels);
    }

    /** an 8-bit grey PNG of the class indices (what predict writes to masks/) */
    public static byte[] encodeGrey(LabelMap map) {
        return encode(map, GREY, null);
    }

    /**
     * An 8-bit palette PNG with the Pascal VOC colour map (index 255 is VOC's cream "ignore"
     * colour): what VOC's SegmentationClass holds, readable as class indices and viewable as colours.
     */
    public static byte[] encodeVocPalette(LabelMap map) {
        return encode(map, PALETTE, vocPalette());
    }

    /** the Pascal VOC colour map: index i gets the colour its bits spread over R, G and B give */
    public static int[] vocPalette() {
        int[] rgb = new int[256];
        for (int i = 0; i < 256; i++) {
            int r = 0;
            int g = 0;
            int b = 0;
            int c = i;
            for (int j = 0; j < 8; j++) {
                r |= ((c >> 0) & 1) << (7 - j);
                g |= ((c >> 1) & 1) << (7 - j);
                b |= ((c >> 2) & 1) << (7 - j);
                c >>= 3;
            }
            rgb[i] = (r << 16) | (g << 8) | b;
        }
        return rgb;
    }

    private static byte[] encode(LabelMap map, int colorType, int[] palette) {
        int width = map.width();
        int height = map.height();
        byte[] raw = new byte[height * (width + 1)];
        for (int y = 0; y < height; y++) {
            System.arraycopy(map.pixels(), y * width, raw, y * (width + 1) + 1, width);
        }
        Deflater deflater = new Deflater(Deflater.BEST_SPEED);
        ByteArrayOutputStream idat = new ByteArrayOutputStream(raw.length / 8 + 64);
        try {
            deflater.setInput(raw);
            deflater.finish();
            byte[] buffer = new byte[1 << 16];
            while (!deflater.finished()) {
                idat.write(buffer, 0, deflater.deflate(buffer));
            }
        } finally {
            deflater.end();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(idat.size() + 1024);
        out.writeBytes(SIGNATURE);
        ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(width).putInt(height);
        ihdr.put((byte) 8).put((byte) colorType).put((byte) 0).put((byte) 0).put((byte) 0);
        chunk(out, "IHDR", ihdr.array());
        if (palette != null) {
            byte[] plte = new byte[palette.length * 3];
            for (int i = 0; i < palette.length; i++) {
                plte[3 * i] = (byte) (palette[i] >> 16);
                plte[3 * i + 1] = (byte) (palette[i] >> 8);
                plte[3 * i + 2] = (byte) palette[i];
            }
            chunk(out, "PLTE", plte);
        }
        chunk(out, "IDAT", idat.toByteArray());
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        out.writeBytes(typeBytes);
        out.writeBytes(data);
        CRC32 crc = new CRC32();
        crc.update(typeBytes);
        crc.update(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    private static boolean startsWithSignature(byte[] bytes) {
        for (int i = 0; i < SIGNATURE.length; i++) {
            if (bytes[i] != SIGNATURE[i]) {
                return false;
            }
        }
        return true;
    }

    private static String type(byte[] png, int at) {
        return new String(png, at, 4, StandardCharsets.ISO_8859_1);
    }
}
