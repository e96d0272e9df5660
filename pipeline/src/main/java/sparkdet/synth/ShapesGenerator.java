package sparkdet.synth;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sparkdet.image.LabelMap;
import sparkdet.image.LabelPng;
import sparkdet.model.Task;

/**
 * A synthetic detection dataset in the VOC layout: square JPEG images of circles, squares and
 * triangles on noisy colour gradients, with their tight boxes. Small enough to train on two cores
 * in minutes, and byte-for-byte deterministic for a seed: the embedded default data of the demo.
 *
 * <p>Every shape is at least {@value #MIN_LUMINANCE_CONTRAST} luminance levels away from the mean
 * of the background under its box, so that a grey-scale detector can see it too; overlaps are
 * capped at box IoU {@value #MAX_IOU} so that no object is hidden beyond what a detector's
 * non-maximum suppression can keep apart.
 *
 * <p>For segmentation ({@link Task#SEGMENT}) the same files are written, byte for byte, and beside
 * them each image's class mask in VOC's SegmentationClass layout: the pixels whose centre lies
 * inside a shape's outline (the outline that painted the picture) hold its class index + 1, a
 * later shape over an earlier one as in the picture, 0 elsewhere.
 */
public final class ShapesGenerator {
    public static final List<String> CLASSES = List.of("circle", "square", "triangle");
    /** the segmentation classes, background first: mask value i is class i */
    public static final List<String> SEGMENTATION_CLASSES = List.of("background", "circle", "square", "triangle");
    /** the segmentation classes file, where ingest --format voc-seg looks for it */
    public static final String SEGMENTATION_CLASSES_FILE = "class_names.txt";
    public static final int DEFAULT_SIZE = 160;
    public static final int MIN_SIDE = 16;
    static final int MAX_SIDE = 64;
    static final int MAX_OBJECTS = 6;
    static final double MAX_IOU = 0.3;
    static final int MIN_LUMINANCE_CONTRAST = 60;

    private static final Logger LOG = LoggerFactory.getLogger(ShapesGenerator.class);
    private static final int CIRCLE = 0;
    private static final int SQUARE = 1;
    private static final double NOISE_SIGMA = 8;
    private static final float JPEG_QUALITY = 0.9f;
    /** a crowded image can leave no room for one more object; it is dropped rather than forced in */
    private static final int PLACEMENT_TRIES = 50;

    private ShapesGenerator() {
    }

    /** {@link #generate(Path, int, long, int)} at {@value #DEFAULT_SIZE} pixels square */
    public static void generate(Path root, int images, long seed) throws IOException {
        generate(root, images, seed, DEFAULT_SIZE);
    }

    /** {@link #generate(Path, int, long, int, Task)} for detection */
    public static void generate(Path root, int images, long seed, int size) throws IOException {
        generate(root, images, seed, size, Task.DETECT);
    }

    /**
     * Writes Annotations/, JPEGImages/, ImageSets/Main/{train,val}.txt (every fifth image to val)
     * and classes.txt; for segmentation also SegmentationClass/ (VOC-palette masks),
     * ImageSets/Segmentation/{train,val}.txt (the same splits) and class_names.txt (background,
     * circle, square, triangle), which is what ingest --format voc-seg reads with no more options.
     *
     * @param size the images' side in pixels; box sides are drawn from {@value #MIN_SIDE} to
     *     {@value #MAX_SIDE} whatever the size (at most the size), so small images are crowded
     */
    public static void generate(Path root, int images, long seed, int size, Task task) throws IOException {
        if (size < MIN_SIDE) {
            throw new IllegalArgumentException("the image size must be at least " + MIN_SIDE + ", not " + size);
        }
        boolean masks = task == Task.SEGMENT;
        Path annotations = Files.createDirectories(root.resolve("Annotations"));
        Path jpegs = Files.createDirectories(root.resolve("JPEGImages"));
        Path sets = Files.createDirectories(root.resolve("ImageSets/Main"));
        Path maskDir = masks ? Files.createDirectories(root.resolve("SegmentationClass")) : null;
        Random rnd = new Random(seed);
        List<String> train = new ArrayList<>();
        List<String> val = new ArrayList<>();
        for (int i = 0; i < images; i++) {
            String stem = String.format(Locale.ROOT, "%06d", i + 1);
            BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
            int[] background = background(rnd, size);
            image.setRGB(0, 0, size, size, background, 0, size);
            List<PlacedShape> shapes = new ArrayList<>();
            int wanted = 1 + rnd.nextInt(MAX_OBJECTS);
            for (int k = 0; k < wanted; k++) {
                PlacedShape shape = place(rnd, size, shapes);
                if (shape == null) {
                    LOG.debug("{}: no room for object {} of {} after {} tries", stem, k + 1, wanted, PLACEMENT_TRIES);
                    continue;
                }
                shapes.add(shape);
                fill(image, shape, contrastingColour(rnd, meanLuminance(background, size, shape)));
            }
            writeJpeg(image, jpegs.resolve(stem + ".jpg"));
            Files.writeString(annotations.resolve(stem + ".xml"), annotation(stem, size, shapes), StandardCharsets.UTF_8);
            if (masks) {
                Files.write(maskDir.resolve(stem + ".png"), LabelPng.encodeVocPalette(mask(shapes, size)));
            }
            (i % 5 == 4 ? val : train).add(stem);
        }
        writeLines(sets.resolve("train.txt"), train);
        writeLines(sets.resolve("val.txt"), val);
        writeLines(root.resolve("classes.txt"), CLASSES);
        if (masks) {
            Path segmentationSets = Files.createDirectories(root.resolve("ImageSets/Segmentation"));
            writeLines(segmentationSets.resolve("train.txt"), train);
            writeLines(segmentationSets.resolve("val.txt"), val);
            writeLines(root.resolve(SEGMENTATION_CLASSES_FILE), SEGMENTATION_CLASSES);
        }
    }

    /**
     * the class mask of the shapes in drawing order: a pixel whose centre lies inside a shape's
     * outline holds the shape's class index + 1, the last such shape's
     */
    static LabelMap mask(List<PlacedShape> shapes, int size) {
        byte[] pixels = new byte[size * size];
        for (PlacedShape s : shapes) {
            Shape outline = s.outline();
            byte value = (byte) (s.classIndex() + 1);
            for (int py = s.y(); py < s.y() + s.side(); py++) {
                for (int px = s.x(); px < s.x() + s.side(); px++) {
                    if (outline.contains(px + 0.5, py + 0.5)) {
                        pixels[py * size + px] = value;
                    }
                }
            }
        }
        return new LabelMap(size, size, pixels);
    }

    /**
     * One object as drawn: its class, the top-left pixel and side of its square box, and for a
     * triangle whether its apex is at the top. The geometry has integer corners, so the shape
     * covers exactly the pixels x..x+side-1 and y..y+side-1 and the box needs no rounding.
     */
    record PlacedShape(int classIndex, int x, int y, int side, boolean pointsUp) {
        Shape outline() {
            return switch (classIndex) {
                case CIRCLE -> new Ellipse2D.Double(x, y, side, side);
                case SQUARE -> new Rectangle2D.Double(x, y, side, side);
                default -> triangle();
            };
        }

        private Shape triangle() {
            double apexY = pointsUp ? y : y + side;
            double baseY = pointsUp ? y + side : y;
            Path2D.Double p = new Path2D.Double();
            p.moveTo(x + side / 2.0, apexY);
            p.lineTo(x + side, baseY);
            p.lineTo(x, baseY);
            p.closePath();
            return p;
        }

        double iou(PlacedShape other) {
            long w = Math.min(x + side, other.x + other.side) - Math.max(x, other.x);
            long h = Math.min(y + side, other.y + other.side) - Math.max(y, other.y);
            if (w <= 0 || h <= 0) {
                return 0;
            }
            double inter = (double) w * h;
            return inter / ((double) side * side + (double) other.side * other.side - inter);
        }
    }

    /** antialiased, and with pure strokes: normalization may nudge edges, and the boxes come from the exact geometry */
    static void fill(BufferedImage image, PlacedShape shape, Color colour) {
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
            g.setColor(colour);
            g.fill(shape.outline());
        } finally {
            g.dispose();
        }
    }

    /** a bilinear blend of four random corner colours plus Gaussian noise, as packed RGB */
    private static int[] background(Random rnd, int size) {
        int[][] corners = new int[4][3];
        for (int[] corner : corners) {
            for (int c = 0; c < 3; c++) {
                corner[c] = rnd.nextInt(256);
            }
        }
        int[] rgb = new int[size * size];
        double span = size - 1;
        for (int py = 0; py < size; py++) {
            double v = py / span;
            for (int px = 0; px < size; px++) {
                double u = px / span;
                int packed = 0;
                for (int c = 0; c < 3; c++) {
                    double top = corners[0][c] * (1 - u) + corners[1][c] * u;
                    double bottom = corners[2][c] * (1 - u) + corners[3][c] * u;
                    double value = top * (1 - v) + bottom * v + rnd.nextGaussian() * NOISE_SIGMA;
                    packed = packed << 8 | (int) Math.max(0, Math.min(255, Math.round(value)));
                }
                rgb[py * size + px] = packed;
            }
        }
        return rgb;
    }

    /** a box of a uniform side at a uniform position, redrawn while it overlaps an earlier one too much */
    private static PlacedShape place(Random rnd, int size, List<PlacedShape> placed) {
        int classIndex = rnd.nextInt(CLASSES.size());
        boolean pointsUp = rnd.nextBoolean();
        int maxSide = Math.min(MAX_SIDE, size);
        for (int t = 0; t < PLACEMENT_TRIES; t++) {
            int side = MIN_SIDE + rnd.nextInt(maxSide - MIN_SIDE + 1);
            PlacedShape candidate = new PlacedShape(classIndex, rnd.nextInt(size - side + 1),
                    rnd.nextInt(size - side + 1), side, pointsUp);
            if (placed.stream().allMatch(p -> p.iou(candidate) <= MAX_IOU)) {
                return candidate;
            }
        }
        return null;
    }

    private static double meanLuminance(int[] rgb, int size, PlacedShape box) {
        double sum = 0;
        for (int py = box.y(); py < box.y() + box.side(); py++) {
            for (int px = box.x(); px < box.x() + box.side(); px++) {
                sum += luminance(rgb[py * size + px]);
            }
        }
        return sum / ((double) box.side() * box.side());
    }

    /** ITU-R BT.601, the luma JPEG itself encodes */
    static double luminance(int rgb) {
        return 0.299 * (rgb >> 16 & 0xff) + 0.587 * (rgb >> 8 & 0xff) + 0.114 * (rgb & 0xff);
    }

    /**
     * Any background luminance leaves at least 127 levels on one side, so the admissible colours
     * are a large share of the cube and the redraws end quickly.
     */
    private static Color contrastingColour(Random rnd, double backgroundLuminance) {
        while (true) {
            int rgb = rnd.nextInt(1 << 24);
            if (Math.abs(luminance(rgb) - backgroundLuminance) >= MIN_LUMINANCE_CONTRAST) {
                return new Color(rgb);
            }
        }
    }

    private static void writeJpeg(BufferedImage image, Path path) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        // a memory cache: ImageIO's default file cache would put temporary files in java.io.tmpdir
        try (OutputStream file = Files.newOutputStream(path); ImageOutputStream out = new MemoryCacheImageOutputStream(file)) {
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(JPEG_QUALITY);
            writer.setOutput(out);
            writer.write(null, new IIOImage(image, null, null), param);
        } finally {
            writer.dispose();
        }
    }

    /** VOC boxes are 1-based with inclusive corners: pixels x..x+side-1 are x+1..x+side */
    private static String annotation(String stem, int size, List<PlacedShape> shapes) {
        StringBuilder objects = new StringBuilder();
        for (PlacedShape s : shapes) {
            objects.append(String.format(Locale.ROOT, "  <object>\n    <name>%s</name>\n    <pose>Unspecified</pose>\n"
                    + "    <truncated>0</truncated>\n    <difficult>0</difficult>\n    <bndbox>\n"
                    + "      <xmin>%d</xmin>\n      <ymin>%d</ymin>\n      <xmax>%d</xmax>\n      <ymax>%d</ymax>\n"
                    + "    </bndbox>\n  </object>\n", CLASSES.get(s.classIndex()), s.x() + 1, s.y() + 1,
                    s.x() + s.side(), s.y() + s.side()));
        }
        return String.format(Locale.ROOT, "<annotation>\n  <folder>shapes</folder>\n  <filename>%s.jpg</filename>\n"
                + "  <size>\n    <width>%d</width>\n    <height>%d</height>\n    <depth>3</depth>\n  </size>\n"
                + "  <segmented>0</segmented>\n%s</annotation>\n", stem, size, size, objects);
    }

    private static void writeLines(Path file, List<String> lines) throws IOException {
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (String l : lines) {
                w.write(l);
                w.write('\n');
            }
        }
    }
}
