package sparkdet.synth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import sparkdet.data.BoxObject;
import sparkdet.data.ImageRecord;
import sparkdet.ingest.IngestItem;
import sparkdet.ingest.VocParser;

/** The shapes dataset read back as ingest reads it, and its pixels checked against its boxes. */
class ShapesGeneratorTest {
    private static final long SEED = 7;
    private static final int IMAGES = 40;
    private static final int SIZE = ShapesGenerator.DEFAULT_SIZE;
    /** JPEG at quality 90 and the noise blur edges by a pixel or two; farther out is background */
    private static final int EDGE_MARGIN = 2;

    @TempDir
    static Path tmp;
    private static Path dataset;
    private static List<Annotated> annotated;

    /** one image as written: its annotation, its decoded pixels, its boxes as 0-based inclusive pixels */
    private record Annotated(ImageRecord record, BufferedImage image, List<Box> boxes) {
    }

    private record Box(String label, int x0, int y0, int x1, int y1) {
        int width() {
            return x1 - x0 + 1;
        }

        int height() {
            return y1 - y0 + 1;
        }

        boolean near(int px, int py, int margin) {
            return px >= x0 - margin && px <= x1 + margin && py >= y0 - margin && py <= y1 + margin;
        }

        double iou(Box o) {
            double w = Math.min(x1, o.x1) - Math.max(x0, o.x0) + 1;
            double h = Math.min(y1, o.y1) - Math.max(y0, o.y0) + 1;
            double inter = w > 0 && h > 0 ? w * h : 0;
            return inter / ((double) width() * height() + (double) o.width() * o.height() - inter);
        }
    }

    @BeforeAll
    static void generate() throws IOException {
        dataset = tmp.resolve("shapes");
        ShapesGenerator.generate(dataset, IMAGES, SEED);
        annotated = read(dataset);
    }

    @Test
    void everyImageIsSquareAtTheDefaultSizeAndItsAnnotationSaysSo() {
        assertThat(annotated).hasSize(IMAGES);
        for (Annotated a : annotated) {
            assertThat(a.image.getWidth()).as(a.record.imageId).isEqualTo(SIZE);
            assertThat(a.image.getHeight()).as(a.record.imageId).isEqualTo(SIZE);
            assertThat(a.record.width).isEqualTo(SIZE);
            assertThat(a.record.height).isEqualTo(SIZE);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {96, 40, 16})
    void otherSizesKeepTheBoxSidesButNeverLeaveTheImage(int size) throws IOException {
        List<Annotated> small = read(generateInto("size" + size, 10, SEED, size));
        for (Annotated a : small) {
            assertThat(a.image.getWidth()).isEqualTo(size);
            assertThat(a.image.getHeight()).isEqualTo(size);
            assertThat(a.boxes).isNotEmpty();
            for (Box b : a.boxes) {
                assertThat(b.x0).isGreaterThanOrEqualTo(0);
                assertThat(b.y0).isGreaterThanOrEqualTo(0);
                assertThat(b.x1).isLessThan(size);
                assertThat(b.y1).isLessThan(size);
                assertThat(b.width()).isBetween(ShapesGenerator.MIN_SIDE - 1, Math.min(ShapesGenerator.MAX_SIDE, size) + 1);
            }
        }
    }

    @Test
    void aSizeBelowTheSmallestBoxIsRefused() {
        assertThatThrownBy(() -> ShapesGenerator.generate(tmp.resolve("tiny"), 1, SEED, ShapesGenerator.MIN_SIDE - 1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void annotationsParseWithOneToSixObjectsOfTheKnownClasses() {
        Set<String> labels = new HashSet<>();
        int fewest = Integer.MAX_VALUE;
        int most = 0;
        for (Annotated a : annotated) {
            assertThat(a.record.objects).as(a.record.imageId).hasSizeBetween(1, ShapesGenerator.MAX_OBJECTS);
            assertThat(Path.of(URI.create(a.record.uri))).exists();
            a.record.objects.forEach(o -> labels.add(o.label));
            fewest = Math.min(fewest, a.boxes.size());
            most = Math.max(most, a.boxes.size());
        }
        assertThat(labels).containsExactlyInAnyOrderElementsOf(ShapesGenerator.CLASSES);
        assertThat(fewest).as("the fewest objects in an image").isLessThanOrEqualTo(2);
        assertThat(most).as("the most objects in an image").isGreaterThanOrEqualTo(5);
    }

    @Test
    void boxSidesSpanSixteenToSixtyFourPixelsInsideTheImage() {
        int smallest = Integer.MAX_VALUE;
        int largest = 0;
        for (Annotated a : annotated) {
            for (Box b : a.boxes) {
                assertThat(b.x0).as("%s %s", a.record.imageId, b).isGreaterThanOrEqualTo(0);
                assertThat(b.y0).as("%s %s", a.record.imageId, b).isGreaterThanOrEqualTo(0);
                assertThat(b.x1).as("%s %s", a.record.imageId, b).isLessThan(SIZE);
                assertThat(b.y1).as("%s %s", a.record.imageId, b).isLessThan(SIZE);
                for (int side : new int[] {b.width(), b.height()}) {
                    assertThat(side).as("%s %s", a.record.imageId, b)
                            .isBetween(ShapesGenerator.MIN_SIDE - 1, ShapesGenerator.MAX_SIDE + 1);
                    smallest = Math.min(smallest, side);
                    largest = Math.max(largest, side);
                }
            }
        }
        assertThat(smallest).as("the whole range is drawn from").isLessThanOrEqualTo(ShapesGenerator.MIN_SIDE + 4);
        assertThat(largest).as("the whole range is drawn from").isGreaterThanOrEqualTo(ShapesGenerator.MAX_SIDE - 4);
    }

    @Test
    void boxesOverlapButAtMostAtIoU03() {
        double highest = 0;
        for (Annotated a : annotated) {
            for (int i = 0; i < a.boxes.size(); i++) {
                for (int j = i + 1; j < a.boxes.size(); j++) {
                    double iou = a.boxes.get(i).iou(a.boxes.get(j));
                    assertThat(iou).as("%s objects %d and %d", a.record.imageId, i + 1, j + 1)
                            .isLessThanOrEqualTo(ShapesGenerator.MAX_IOU + 1e-9);
                    highest = Math.max(highest, iou);
                }
            }
        }
        assertThat(highest).as("overlaps are allowed, not avoided").isGreaterThan(0.05);
    }

    /**
     * The shape's centre against a ring of background around its box. Box corners would not do:
     * a square fills them. The ring keeps only pixels whose mirror image through the box centre is
     * usable too, so that the gradient averages out to its value at the centre (exactly, for a
     * bilinear one) however much of the ring the image edge or other objects take away.
     */
    @Test
    void everyShapeStandsOutFromTheBackgroundAroundItsBox() {
        double margin = ShapesGenerator.MIN_LUMINANCE_CONTRAST - 20;
        int objects = 0;
        List<String> checked = new ArrayList<>();
        List<String> faint = new ArrayList<>();
        for (Annotated a : annotated) {
            for (int i = 0; i < a.boxes.size(); i++) {
                objects++;
                Box b = a.boxes.get(i);
                double inside = centreLuminance(a, i);
                double around = ringLuminance(a, i);
                if (Double.isNaN(inside) || Double.isNaN(around)) {
                    continue;
                }
                String what = String.format("%s object %d %s: centre %.1f, around %.1f", a.record.imageId, i + 1, b,
                        inside, around);
                checked.add(what);
                if (Math.abs(inside - around) < margin) {
                    faint.add(what);
                }
            }
        }
        assertThat(checked.size()).as("objects neither covered nor surrounded").isGreaterThanOrEqualTo(objects / 2);
        assertThat(faint).as("shapes within %.0f luminance levels of their surroundings", margin).isEmpty();
    }

    /**
     * The written boxes against the written pixels, to the pixel: across each edge of a square
     * standing clear of the others, the luminance steps between the line just outside the box and
     * the box's own outermost line, not one pixel earlier or later.
     */
    @Test
    void squareBoxesEndWhereTheSquaresEnd() {
        int squares = 0;
        List<String> misplaced = new ArrayList<>();
        for (Annotated a : annotated) {
            for (int i = 0; i < a.boxes.size(); i++) {
                Box b = a.boxes.get(i);
                if (!b.label.equals("square") || !standsClear(a, i, 4)) {
                    continue;
                }
                squares++;
                // per edge: the outward normal, and the range along the edge clear of the corners
                int[][] edges = {{-1, 0, b.x0, b.y0}, {1, 0, b.x1, b.y0}, {0, -1, b.x0, b.y0}, {0, 1, b.x0, b.y1}};
                for (int[] e : edges) {
                    OptionalInt step = stepAcross(a.image, b, e[0], e[1], e[2], e[3]);
                    if (step.isPresent() && step.getAsInt() != -1) {
                        misplaced.add(String.format("%s object %d %s: the edge (%d,%d) steps at %d",
                                a.record.imageId, i + 1, b, e[0], e[1], step.getAsInt()));
                    }
                }
            }
        }
        assertThat(squares).as("squares standing clear").isGreaterThanOrEqualTo(5);
        assertThat(misplaced).isEmpty();
    }

    @Test
    void boxesAreTheTightBoundsOfTheAntialiasedShapes() {
        int x = 7;
        int y = 11;
        for (int classIndex = 0; classIndex < ShapesGenerator.CLASSES.size(); classIndex++) {
            for (int side : new int[] {16, 17, 31, 64}) {
                for (boolean pointsUp : new boolean[] {true, false}) {
                    BufferedImage canvas = new BufferedImage(90, 90, BufferedImage.TYPE_INT_RGB);
                    var shape = new ShapesGenerator.PlacedShape(classIndex, x, y, side, pointsUp);
                    ShapesGenerator.fill(canvas, shape, Color.WHITE);
                    String what = ShapesGenerator.CLASSES.get(classIndex) + " side " + side + (pointsUp ? " up" : " down");
                    int[] extent = {Integer.MAX_VALUE, Integer.MAX_VALUE, -1, -1};
                    boolean blended = false;
                    for (int py = 0; py < canvas.getHeight(); py++) {
                        for (int px = 0; px < canvas.getWidth(); px++) {
                            int blue = canvas.getRGB(px, py) & 0xff;
                            if (blue > 0) {
                                extent = new int[] {Math.min(extent[0], px), Math.min(extent[1], py),
                                    Math.max(extent[2], px), Math.max(extent[3], py)};
                            }
                            blended |= blue > 0 && blue < 255;
                        }
                    }
                    assertThat(extent).as(what).containsExactly(x, y, x + side - 1, y + side - 1);
                    if (!ShapesGenerator.CLASSES.get(classIndex).equals("square")) {
                        assertThat(blended).as(what + " has antialiased edges").isTrue();
                    }
                }
            }
        }
    }

    @Test
    void theSameSeedGivesTheSameBytesAndAnotherSeedOtherImages() throws IOException {
        Path again = generateInto("again", IMAGES, SEED, SIZE);
        List<Path> files = relativeFiles(dataset);
        assertThat(relativeFiles(again)).isEqualTo(files);
        for (Path f : files) {
            assertThat(Files.mismatch(dataset.resolve(f), again.resolve(f))).as(f.toString()).isEqualTo(-1L);
        }
        Path other = generateInto("other", IMAGES, SEED + 1, SIZE);
        long differentImages = files.stream()
                .filter(f -> f.toString().endsWith(".jpg"))
                .filter(f -> mismatch(dataset.resolve(f), other.resolve(f)) != -1L)
                .count();
        assertThat(differentImages).isEqualTo(IMAGES);
        assertThat(Files.readString(dataset.resolve("Annotations/000001.xml")))
                .isNotEqualTo(Files.readString(other.resolve("Annotations/000001.xml")));
    }

    @Test
    void trainAndValPartitionTheStemsEightyTwenty() throws IOException {
        List<String> train = Files.readAllLines(dataset.resolve("ImageSets/Main/train.txt"), StandardCharsets.UTF_8);
        List<String> val = Files.readAllLines(dataset.resolve("ImageSets/Main/val.txt"), StandardCharsets.UTF_8);
        Set<String> stems = annotated.stream().map(a -> a.record.imageId).collect(Collectors.toCollection(TreeSet::new));
        assertThat(stems).hasSize(IMAGES);
        assertThat(stems).isEqualTo(stemsIn(dataset.resolve("JPEGImages")));
        assertThat(val).hasSize(IMAGES / 5).doesNotHaveDuplicates();
        assertThat(train).hasSize(IMAGES - IMAGES / 5).doesNotHaveDuplicates().doesNotContainAnyElementsOf(val);
        assertThat(new TreeSet<>(Stream.concat(train.stream(), val.stream()).toList())).isEqualTo(stems);
        assertThat(Files.readAllLines(dataset.resolve("classes.txt"))).isEqualTo(ShapesGenerator.CLASSES);
    }

    /** a patch around the box centre, which every shape covers; NaN where an object drawn later covers it */
    private static double centreLuminance(Annotated a, int index) {
        Box b = a.boxes.get(index);
        int half = Math.max(1, b.width() / 10);
        int cx = (b.x0 + b.x1) / 2;
        int cy = (b.y0 + b.y1) / 2;
        double sum = 0;
        int n = 0;
        for (int py = cy - half; py <= cy + half; py++) {
            for (int px = cx - half; px <= cx + half; px++) {
                // the XML lists the objects in drawing order
                for (Box later : a.boxes.subList(index + 1, a.boxes.size())) {
                    if (later.near(px, py, EDGE_MARGIN)) {
                        return Double.NaN;
                    }
                }
                sum += ShapesGenerator.luminance(a.image.getRGB(px, py));
                n++;
            }
        }
        return sum / n;
    }

    /** the symmetric part of a ring a few pixels outside the box; NaN where too little of it is free */
    private static double ringLuminance(Annotated a, int index) {
        Box b = a.boxes.get(index);
        int outer = EDGE_MARGIN + 4;
        double sum = 0;
        int n = 0;
        for (int py = b.y0 - outer; py <= b.y1 + outer; py++) {
            for (int px = b.x0 - outer; px <= b.x1 + outer; px++) {
                if (b.near(px, py, EDGE_MARGIN)
                        || !isBackground(a, index, px, py)
                        || !isBackground(a, index, b.x0 + b.x1 - px, b.y0 + b.y1 - py)) {
                    continue;
                }
                sum += ShapesGenerator.luminance(a.image.getRGB(px, py));
                n++;
            }
        }
        return n >= 32 ? sum / n : Double.NaN;
    }

    /**
     * The mean luminance of lines parallel to one edge of the box, from 3 pixels outside (offset
     * -3) to 2 inside; returns the offset after which the largest jump comes (-1: right at the
     * edge), or none where the lines leave the image.
     */
    private static OptionalInt stepAcross(BufferedImage image, Box b, int nx, int ny, int edgeX, int edgeY) {
        boolean vertical = nx != 0;
        int from = (vertical ? b.y0 : b.x0) + 2;
        int to = (vertical ? b.y1 : b.x1) - 2;
        double[] means = new double[6];
        for (int k = 0; k < means.length; k++) {
            int offset = k - 3;
            int lineX = edgeX - nx * offset;
            int lineY = edgeY - ny * offset;
            if (lineX < 0 || lineY < 0 || lineX >= image.getWidth() || lineY >= image.getHeight()) {
                return OptionalInt.empty();
            }
            double sum = 0;
            for (int t = from; t <= to; t++) {
                sum += ShapesGenerator.luminance(vertical ? image.getRGB(lineX, t) : image.getRGB(t, lineY));
            }
            means[k] = sum / (to - from + 1);
        }
        int largest = 0;
        for (int k = 1; k < means.length - 1; k++) {
            if (Math.abs(means[k + 1] - means[k]) > Math.abs(means[largest + 1] - means[largest])) {
                largest = k;
            }
        }
        return OptionalInt.of(largest - 3);
    }

    private static boolean standsClear(Annotated a, int index, int margin) {
        Box b = a.boxes.get(index);
        for (int j = 0; j < a.boxes.size(); j++) {
            Box o = a.boxes.get(j);
            if (j != index && o.x0 <= b.x1 + margin && o.x1 >= b.x0 - margin
                    && o.y0 <= b.y1 + margin && o.y1 >= b.y0 - margin) {
                return false;
            }
        }
        return true;
    }

    private static boolean isBackground(Annotated a, int index, int px, int py) {
        if (px < 0 || py < 0 || px >= a.image.getWidth() || py >= a.image.getHeight()) {
            return false;
        }
        for (int j = 0; j < a.boxes.size(); j++) {
            if (j != index && a.boxes.get(j).near(px, py, EDGE_MARGIN)) {
                return false;
            }
        }
        return true;
    }

    private static Path generateInto(String name, int images, long seed, int size) throws IOException {
        Path root = tmp.resolve(name);
        ShapesGenerator.generate(root, images, seed, size);
        return root;
    }

    private static List<Annotated> read(Path root) throws IOException {
        VocParser parser = new VocParser();
        var imageRoot = new org.apache.hadoop.fs.Path(root.resolve("JPEGImages").toUri());
        List<Annotated> all = new ArrayList<>();
        try (Stream<Path> xmls = Files.list(root.resolve("Annotations"))) {
            for (Path xml : xmls.sorted().toList()) {
                IngestItem item = parser.parse(Files.readAllBytes(xml), xml.toUri().toString(), imageRoot, null);
                assertThat(item.quarantined).as(xml.toString()).isEmpty();
                BufferedImage image = ImageIO.read(root.resolve("JPEGImages").resolve(item.record.fileName).toFile());
                List<Box> boxes = item.record.objects.stream().map(ShapesGeneratorTest::pixels).toList();
                all.add(new Annotated(item.record, image, boxes));
            }
        }
        return all;
    }

    /** VOC's 1-based inclusive corners to 0-based inclusive pixels; a fractional corner fails here */
    private static Box pixels(BoxObject o) {
        double[] corners = {o.xmin, o.ymin, o.xmax, o.ymax};
        for (double c : corners) {
            assertThat(c).as(o.label + " corner").isEqualTo(Math.rint(c));
        }
        return new Box(o.label, (int) o.xmin - 1, (int) o.ymin - 1, (int) o.xmax - 1, (int) o.ymax - 1);
    }

    private static List<Path> relativeFiles(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(Files::isRegularFile).map(root::relativize).sorted().toList();
        }
    }

    private static Set<String> stemsIn(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(f -> f.getFileName().toString().replaceFirst("\\.jpg$", ""))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
    }

    private static long mismatch(Path a, Path b) {
        try {
            return Files.mismatch(a, b);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
