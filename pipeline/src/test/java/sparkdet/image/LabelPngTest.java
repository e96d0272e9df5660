package sparkdet.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.CRC32;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.junit.jupiter.api.Test;

class LabelPngTest {
    private static final Path LABELME = Path.of(
            "/usr/share/doc/labelme-examples/examples/semantic_segmentation/data_dataset_voc");
    private static final PixelLimit LIMIT = new PixelLimit(1L << 26);

    /** labelme wrote each mask twice: the class array as .npy (-1 ignore) and as a VOC palette PNG */
    @Test
    void labelmePaletteMasksReadAsTheirClassArrays() throws IOException {
        for (String stem : new String[] {"2011_000003", "2011_000006", "2011_000025"}) {
            byte[] png = Files.readAllBytes(LABELME.resolve("SegmentationClassPNG/" + stem + ".png"));
            LabelMap map = LabelPng.decode(png, stem, LIMIT);
            int[] expected = npyInt32(LABELME.resolve("SegmentationClass/" + stem + ".npy"));
            assertEquals(expected.length, map.pixels().length);
            for (int i = 0; i < expected.length; i++) {
                assertEquals(expected[i] & 0xFF, map.pixels()[i] & 0xFF, stem + " pixel " + i);
            }
            assertEquals(3, LabelPng.header(png).colorType(), "a palette PNG");
        }
    }

    @Test
    void greyAndPaletteRoundTrip() throws IOException {
        LabelMap map = randomRegions(37, 23, 5);
        assertArrayEquals(map.pixels(), LabelPng.decode(LabelPng.encodeGrey(map), "g", LIMIT).pixels());
        byte[] palette = LabelPng.encodeVocPalette(map);
        assertArrayEquals(map.pixels(), LabelPng.decode(palette, "p", LIMIT).pixels());
        LabelMap four = new LabelMap(4, 1, new byte[] {0, 1, 2, (byte) 255});
        BufferedImage viewed = ImageIO.read(new java.io.ByteArrayInputStream(LabelPng.encodeVocPalette(four)));
        int[] expected = {0x000000, 0x800000, 0x008000, 0xE0E0C0};
        for (int x = 0; x < 4; x++) {
            assertEquals(expected[x], viewed.getRGB(x, 0) & 0xFFFFFF, "VOC colour of index " + four.at(x, 0));
        }
        assertEquals(0xE0E0C0, LabelPng.vocPalette()[255], "index 255 is VOC's cream ignore colour");
    }

    /** javax.imageio writes palette PNGs with adaptive row filters (sub, up, average, paeth) */
    @Test
    void everyRowFilterAndInterlacingDecodeAsImageIoReadsThem() throws IOException {
        LabelMap map = randomRegions(61, 45, 21);
        for (boolean interlaced : new boolean[] {false, true}) {
            byte[] png = imageIoPalettePng(map, interlaced);
            assertEquals(interlaced, LabelPng.header(png).interlaced());
            assertArrayEquals(map.pixels(), LabelPng.decode(png, "f", LIMIT).pixels(), "interlaced " + interlaced);
        }
    }

    /**
     * rows filtered with Up and Sub over values that wrap past 255, 21 wide (eight bytes at a time
     * and a rest): PIL filters a fifth of a grey mask's rows so
     */
    @Test
    void upAndSubFiltersWrapModulo256() throws IOException {
        int width = 21;
        int height = 5;
        byte[] pixels = new byte[width * height];
        new Random(3).nextBytes(pixels);
        int[] filters = {1, 2, 2, 1, 2};
        byte[] rows = new byte[height * (width + 1)];
        for (int y = 0; y < height; y++) {
            rows[y * (width + 1)] = (byte) filters[y];
            for (int x = 0; x < width; x++) {
                int left = x > 0 ? pixels[y * width + x - 1] : 0;
                int up = y > 0 ? pixels[(y - 1) * width + x] : 0;
                rows[y * (width + 1) + 1 + x] = (byte) (pixels[y * width + x] - (filters[y] == 1 ? left : up));
            }
        }
        assertArrayEquals(pixels, LabelPng.decode(rawPng(width, height, 8, 0, rows), "w", LIMIT).pixels());
    }

    /** one decoder over masks of other sizes, a truncated one between them, gives each one-shot decode */
    @Test
    void aDecoderReusedAcrossSizesAndFailuresDecodesEachMask() throws IOException {
        LabelMap small = randomRegions(37, 23, 5);
        LabelMap large = randomRegions(61, 45, 21);
        byte[] truncated = Arrays.copyOf(LabelPng.encodeGrey(large), 60);
        try (LabelPng.Decoder decoder = new LabelPng.Decoder()) {
            assertArrayEquals(large.pixels(), decoder.decode(LabelPng.encodeVocPalette(large), "l", LIMIT).pixels());
            assertThrows(IOException.class, () -> decoder.decode(truncated, "t", LIMIT));
            assertArrayEquals(small.pixels(), decoder.decode(LabelPng.encodeGrey(small), "s", LIMIT).pixels());
            assertArrayEquals(large.pixels(), decoder.decode(imageIoPalettePng(large, false), "f", LIMIT).pixels());
            LabelMap first = decoder.decode(LabelPng.encodeGrey(small), "s", LIMIT);
            LabelMap other = randomRegions(37, 23, 3);
            decoder.decode(LabelPng.encodeGrey(other), "o", LIMIT);
            assertArrayEquals(other.pixels(), first.pixels(), "the map shares the decoder's buffer: the next decode "
                    + "overwrites it");
        }
    }

    @Test
    void lowBitDepthsReadAsPilReadsThem() throws IOException {
        LabelMap twoValued = new LabelMap(9, 2, new byte[] {0, 1, 1, 0, 1, 0, 0, 1, 1, 1, 0, 0, 1, 1, 1, 0, 1, 0});
        byte[] oneBitGrey = rawPng(9, 2, 1, 0, packBits(twoValued, 1));
        assertArrayEquals(twoValued.pixels(), LabelPng.decode(oneBitGrey, "1bit", LIMIT).pixels(),
                "PIL reads 1-bit grey as 0/1");
        LabelMap fourValued = new LabelMap(5, 1, new byte[] {0, 3, 2, 1, 3});
        byte[] twoBitGrey = rawPng(5, 1, 2, 0, packBits(fourValued, 2));
        assertArrayEquals(new byte[] {0, (byte) 255, (byte) 170, 85, (byte) 255},
                LabelPng.decode(twoBitGrey, "2bit", LIMIT).pixels(), "PIL scales 2-bit grey to 0..255");
        byte[] twoBitPalette = rawPng(5, 1, 2, 3, packBits(fourValued, 2));
        assertArrayEquals(fourValued.pixels(), LabelPng.decode(twoBitPalette, "2bitp", LIMIT).pixels(),
                "palette indices stay indices");
    }

    @Test
    void refusesWhatIsNotAMaskNamingTheFile() throws IOException {
        byte[] rgb = rawPng(2, 2, 8, 2, new byte[12]);
        IOException colour = assertThrows(IOException.class, () -> LabelPng.decode(rgb, "masks/a.png", LIMIT));
        assertTrue(colour.getMessage().startsWith("masks/a.png: a 8-bit RGB PNG has 3 values per pixel"),
                colour.getMessage());
        byte[] good = LabelPng.encodeGrey(randomRegions(64, 64, 4));
        IOException truncated = assertThrows(IOException.class,
                () -> LabelPng.decode(Arrays.copyOf(good, good.length - 30), "t.png", LIMIT));
        assertTrue(truncated.getMessage().startsWith("t.png: truncated PNG"), truncated.getMessage());
        byte[] flipped = good.clone();
        flipped[50] ^= 0x10;
        IOException corrupt = assertThrows(IOException.class, () -> LabelPng.decode(flipped, "c.png", LIMIT));
        assertTrue(corrupt.getMessage().contains("checksum"), corrupt.getMessage());
        IOException jpeg = assertThrows(IOException.class,
                () -> LabelPng.decode(new byte[] {(byte) 0xFF, (byte) 0xD8, 0, 0}, "x.jpg", LIMIT));
        assertEquals("x.jpg: not a PNG file", jpeg.getMessage());
    }

    /** a bomb: a few KB that declare a huge picture are refused from the header, nothing inflated */
    @Test
    void decompressionBombsAreRefusedFromTheHeader() {
        byte[] bomb = rawPng(30000, 30000, 8, 0, new byte[0]);
        ImageTooLargeException e = assertThrows(ImageTooLargeException.class,
                () -> LabelPng.decode(bomb, "bomb.png", new PixelLimit(100_000_000)));
        assertTrue(e.getMessage().contains("bomb.png") && e.getMessage().contains("30000x30000"), e.getMessage());
        // data that inflates to more rows than the header declares is refused, not written past the buffer
        byte[] more = rawPng(4, 2, 8, 0, new byte[4 * 40]);
        IOException tooMuch = assertThrows(IOException.class, () -> LabelPng.decode(more, "m.png", LIMIT));
        assertTrue(tooMuch.getMessage().contains("more than its declared 4x2"), tooMuch.getMessage());
    }

    private static LabelMap randomRegions(int width, int height, int classes) {
        Random random = new Random(width * 31L + height);
        byte[] pixels = new byte[width * height];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int region = ((x / 7) * 3 + (y / 5) * 5) % classes;
                pixels[y * width + x] = (byte) (random.nextInt(20) == 0 ? 255 : region);
            }
        }
        return new LabelMap(width, height, pixels);
    }

    private static byte[] imageIoPalettePng(LabelMap map, boolean interlaced) throws IOException {
        int[] voc = LabelPng.vocPalette();
        byte[] r = new byte[256];
        byte[] g = new byte[256];
        byte[] b = new byte[256];
        for (int i = 0; i < 256; i++) {
            r[i] = (byte) (voc[i] >> 16);
            g[i] = (byte) (voc[i] >> 8);
            b[i] = (byte) voc[i];
        }
        BufferedImage image = new BufferedImage(map.width(), map.height(), BufferedImage.TYPE_BYTE_INDEXED,
                new IndexColorModel(8, 256, r, g, b));
        image.getRaster().setDataElements(0, 0, map.width(), map.height(), map.pixels());
        ImageWriter writer = ImageIO.getImageWritersByFormatName("png").next();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream stream = new MemoryCacheImageOutputStream(out)) {
            writer.setOutput(stream);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setProgressiveMode(interlaced ? ImageWriteParam.MODE_DEFAULT : ImageWriteParam.MODE_DISABLED);
            var metadata = writer.getDefaultImageMetadata(new ImageTypeSpecifier(image), param);
            writer.write(null, new IIOImage(image, null, metadata), param);
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }

    private static byte[] packBits(LabelMap map, int bits) {
        int rowBytes = (map.width() * bits + 7) / 8;
        byte[] rows = new byte[map.height() * (rowBytes + 1)];
        for (int y = 0; y < map.height(); y++) {
            for (int x = 0; x < map.width(); x++) {
                int shift = 8 - bits * (x % (8 / bits) + 1);
                rows[y * (rowBytes + 1) + 1 + x * bits / 8] |= (byte) (map.at(x, y) << shift);
            }
        }
        return rows;
    }

    /** a PNG of already filtered rows (filter bytes included), with a palette when colour type 3 */
    private static byte[] rawPng(int width, int height, int bits, int colorType, byte[] rows) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
        chunk(out, "IHDR", ByteBuffer.allocate(13).putInt(width).putInt(height)
                .put((byte) bits).put((byte) colorType).put(new byte[3]).array());
        if (colorType == 3) {
            chunk(out, "PLTE", new byte[3 * (1 << bits)]);
        }
        java.util.zip.Deflater deflater = new java.util.zip.Deflater();
        deflater.setInput(rows);
        deflater.finish();
        byte[] buffer = new byte[rows.length + 64];
        int n = deflater.deflate(buffer);
        deflater.end();
        chunk(out, "IDAT", Arrays.copyOf(buffer, n));
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        out.writeBytes(t);
        out.writeBytes(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    /** a little-endian int32 .npy array's values (the header is a padded Python dict) */
    private static int[] npyInt32(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        int headerLength = (bytes[8] & 0xFF) | (bytes[9] & 0xFF) << 8;
        String header = new String(bytes, 10, headerLength, StandardCharsets.ISO_8859_1);
        assertTrue(header.contains("'<i4'") && header.contains("'fortran_order': False"), header);
        ByteBuffer data = ByteBuffer.wrap(bytes, 10 + headerLength, bytes.length - 10 - headerLength)
                .order(ByteOrder.LITTLE_ENDIAN);
        int[] values = new int[data.remaining() / 4];
        data.asIntBuffer().get(values);
        return values;
    }
}
