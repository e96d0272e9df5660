package sparkdet.synth;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sparkdet.data.BoxObject;
import sparkdet.image.LabelMap;
import sparkdet.image.LabelPng;
import sparkdet.ingest.VocParser;
import sparkdet.model.Task;
import sparkdet.testing.TestFiles;
import sparkdet.testing.TestSpark;

/** synth --task segment: the detection files unchanged, and masks whose class pixels are the drawn shapes. */
class ShapesSegmentationTest {
    private static final long SEED = 7;
    private static final int IMAGES = 40;
    private static final int SIZE = ShapesGenerator.DEFAULT_SIZE;

    @TempDir
    static Path tmp;
    private static Path segmentation;
    private static Path detection;

    @BeforeAll
    static void generate() throws IOException {
        segmentation = tmp.resolve("seg");
        detection = tmp.resolve("det");
        ShapesGenerator.generate(segmentation, IMAGES, SEED, SIZE, Task.SEGMENT);
        ShapesGenerator.generate(detection, IMAGES, SEED, SIZE);
    }

    @Test
    void theDetectionFilesAreTheSameBytesAndTheMasksComeBeside() throws IOException {
        Map<String, byte[]> det = TestFiles.contents(detection);
        Map<String, byte[]> seg = TestFiles.contents(segmentation);
        assertThat(det.keySet()).noneMatch(f -> f.startsWith("SegmentationClass") || f.contains("Segmentation/"));
        det.forEach((name, bytes) -> assertThat(seg.get(name)).as(name).isEqualTo(bytes));
        List<String> added = new ArrayList<>(seg.keySet());
        added.removeAll(det.keySet());
        assertThat(added).hasSize(IMAGES + 3).contains("class_names.txt", "ImageSets/Segmentation/train.txt",
                "ImageSets/Segmentation/val.txt", "SegmentationClass/000001.png");
        assertThat(seg.get("ImageSets/Segmentation/train.txt")).isEqualTo(det.get("ImageSets/Main/train.txt"));
        assertThat(seg.get("ImageSets/Segmentation/val.txt")).isEqualTo(det.get("ImageSets/Main/val.txt"));
        assertThat(Files.readAllLines(segmentation.resolve("class_names.txt")))
                .containsExactly("background", "circle", "square", "triangle");
    }

    /** every class pixel lies in a box of its class; the last shape drawn holds exactly the pixels whose centre it covers */
    @Test
    void maskPixelsAreThoseOfTheShapes() throws IOException {
        for (int i = 1; i <= IMAGES; i++) {
            String stem = String.format("%06d", i);
            LabelMap mask = mask(stem);
            List<BoxObject> boxes = boxes(stem);
            for (int y = 0; y < SIZE; y++) {
                for (int x = 0; x < SIZE; x++) {
                    int v = mask.at(x, y);
                    if (v != 0) {
                        assertThat(v).isBetween(1, 3);
                        int px = x;
                        int py = y;
                        assertThat(boxes).as(stem + " (" + x + ", " + y + ") class " + v)
                                .anyMatch(b -> b.label.equals(ShapesGenerator.CLASSES.get(v - 1)) && inside(b, px, py));
                    }
                }
            }
            BoxObject last = boxes.get(boxes.size() - 1);
            int x0 = (int) last.xmin - 1;
            int y0 = (int) last.ymin - 1;
            int side = (int) (last.xmax - last.xmin) + 1;
            int value = ShapesGenerator.CLASSES.indexOf(last.label) + 1;
            for (int y = y0; y < y0 + side; y++) {
                for (int x = x0; x < x0 + side; x++) {
                    double dx = x + 0.5 - (x0 + side / 2.0);
                    double dy = y + 0.5 - (y0 + side / 2.0);
                    // half-pixel distances are exact in doubles; a centre exactly on the circle
                    // (a Pythagorean triple) may fall either way in Ellipse2D's rounding
                    Boolean expected = switch (last.label) {
                        case "square" -> true;
                        case "circle" -> dx * dx + dy * dy == side * side / 4.0 ? null : dx * dx + dy * dy < side * side / 4.0;
                        default -> null;
                    };
                    int px = x;
                    int py = y;
                    boolean earlierOfItsClass = boxes.stream().anyMatch(b -> b != last && b.label.equals(last.label)
                            && inside(b, px, py));
                    if (expected != null && (expected || !earlierOfItsClass)) {
                        assertThat(mask.at(x, y) == value).as(stem + " " + last.label + " (" + x + ", " + y + ")")
                                .isEqualTo(expected);
                    }
                }
            }
        }
    }

    /**
     * The picture under a shape's class pixels is the shape's colour, which the generator keeps
     * at least 60 luminance levels from the background: the mean luminance of the class pixels
     * away from the outline stands out from the background pixels just around them.
     */
    @Test
    void theClassPixelsAreTheDrawnShapes() throws IOException {
        int checked = 0;
        for (int i = 1; i <= IMAGES; i++) {
            String stem = String.format("%06d", i);
            LabelMap mask = mask(stem);
            BufferedImage picture = ImageIO.read(segmentation.resolve("JPEGImages/" + stem + ".jpg").toFile());
            List<BoxObject> boxes = boxes(stem);
            for (BoxObject b : boxes) {
                int value = ShapesGenerator.CLASSES.indexOf(b.label) + 1;
                boolean sharesItsClass = boxes.stream().anyMatch(o -> o != b && o.label.equals(b.label) && overlap(o, b));
                double[] shape = new double[2];
                double[] around = new double[2];
                for (int y = (int) b.ymin - 4; y <= (int) b.ymax + 3; y++) {
                    for (int x = (int) b.xmin - 4; x <= (int) b.xmax + 3; x++) {
                        if (x < 0 || y < 0 || x >= SIZE || y >= SIZE) {
                            continue;
                        }
                        double lum = ShapesGenerator.luminance(picture.getRGB(x, y));
                        if (allAround(mask, x, y, value, 2)) {
                            shape[0] += lum;
                            shape[1]++;
                        } else if (allAround(mask, x, y, 0, 2)) {
                            around[0] += lum;
                            around[1]++;
                        }
                    }
                }
                if (sharesItsClass || shape[1] < 20 || around[1] < 20) {
                    continue;
                }
                assertThat(Math.abs(shape[0] / shape[1] - around[0] / around[1])).as(stem + " " + b)
                        .isGreaterThan(30);
                checked++;
            }
        }
        assertThat(checked).isGreaterThan(IMAGES);
    }

    private static boolean allAround(LabelMap mask, int x, int y, int value, int radius) {
        for (int dy = -radius; dy <= radius; dy++) {
            for (int dx = -radius; dx <= radius; dx++) {
                int px = Math.min(Math.max(x + dx, 0), SIZE - 1);
                int py = Math.min(Math.max(y + dy, 0), SIZE - 1);
                if (mask.at(px, py) != value) {
                    return false;
                }
            }
        }
        return true;
    }

    /** VOC's 1-based inclusive box corners as 0-based pixels */
    private static boolean inside(BoxObject b, int x, int y) {
        return x >= b.xmin - 1 && x <= b.xmax - 1 && y >= b.ymin - 1 && y <= b.ymax - 1;
    }

    private static boolean overlap(BoxObject a, BoxObject b) {
        return a.xmin <= b.xmax && b.xmin <= a.xmax && a.ymin <= b.ymax && b.ymin <= a.ymax;
    }

    private static LabelMap mask(String stem) throws IOException {
        byte[] png = Files.readAllBytes(segmentation.resolve("SegmentationClass/" + stem + ".png"));
        assertThat(LabelPng.header(png).describe()).isEqualTo("8-bit palette");
        LabelMap mask = LabelPng.decode(png, stem, TestSpark.pixelLimit());
        assertThat(mask.width()).isEqualTo(SIZE);
        return mask;
    }

    private static List<BoxObject> boxes(String stem) throws IOException {
        Path xml = segmentation.resolve("Annotations/" + stem + ".xml");
        return new VocParser().parse(Files.readAllBytes(xml), xml.toUri().toString(),
                new org.apache.hadoop.fs.Path(segmentation.resolve("JPEGImages").toUri()), null).record.objects;
    }
}
