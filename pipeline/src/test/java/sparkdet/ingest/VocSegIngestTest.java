package sparkdet.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sparkdet.data.ImageRecord;
import sparkdet.model.Task;
import sparkdet.synth.ShapesGenerator;
import sparkdet.testing.TestData;

/**
 * labelme's semantic segmentation exports ingested for real: the pixels per class of every mask
 * are those of the class arrays (.npy) labelme wrote beside the PNGs, -1 being its 255.
 */
class VocSegIngestTest {
    @TempDir
    Path tmp;

    @Test
    void labelmeVocPhotos() throws Exception {
        Path root = TestData.require(TestData.LABELME_SEGMENTATION);
        Path out = tmp.resolve("seg");
        IngestSummary s = IngestFixtures.ingest(IngestFormat.VOC_SEG, root, null, null, null, out);

        assertThat(s.stats().images()).isEqualTo(3);
        assertThat(s.stats().quarantined()).isZero();
        List<String> classes = Files.readAllLines(out.resolve("classes.txt"), StandardCharsets.UTF_8);
        assertThat(classes).hasSize(21).startsWith("_background_", "aeroplane").contains("tv/monitor");

        Map<String, ImageRecord> rows = IngestFixtures.records(out);
        assertThat(rows).containsOnlyKeys("2011_000003", "2011_000006", "2011_000025");
        long[] total = new long[ImageRecord.MASK_VALUES];
        for (ImageRecord r : rows.values()) {
            assertThat(r.uri).endsWith("/JPEGImages/" + r.imageId + ".jpg");
            assertThat(r.maskUri).as("pointed at, not copied").startsWith("file:")
                    .endsWith("/data_dataset_voc/SegmentationClassPNG/" + r.imageId + ".png");
            assertThat(r.objects).isEmpty();
            long[] expected = npyHistogram(root.resolve("SegmentationClass/" + r.imageId + ".npy"), r.width, r.height);
            assertThat(r.maskPixels).as(r.imageId).containsExactly(expected);
            for (int v = 0; v < total.length; v++) {
                total[v] += expected[v];
            }
        }
        assertThat(rows.get("2011_000003").width).isEqualTo(500);
        assertThat(rows.get("2011_000003").height).isEqualTo(338);
        assertThat(rows.get("2011_000003").maskPixels[15]).as("a person").isPositive();

        JsonNode stats = IngestFixtures.json(out.resolve("stats.json"));
        assertThat(stats.get("task").asText()).isEqualTo("segment");
        JsonNode perClass = stats.get("pixels_per_class");
        assertThat(perClass.size()).isEqualTo(21);
        Iterator<String> names = perClass.fieldNames();
        for (int v = 0; v < 21; v++) {
            String name = names.next();
            assertThat(name).isEqualTo(classes.get(v));
            assertThat(perClass.get(name).asLong()).as(name).isEqualTo(total[v]);
        }
        assertThat(total[255]).as("labelme's -1 borders").isPositive();
        assertThat(stats.get("ignored_pixels").asLong()).isEqualTo(total[255]);
        assertThat(stats.get("masks_per_class").get("person").asLong()).isEqualTo(2);
        assertThat(stats.get("warnings").size()).isZero();
        assertThat(out.resolve("stats.png")).isNotEmptyFile();
        assertThat(out.resolve("masks")).as("nothing was made: masks are pointed at").doesNotExist();
        assertThat(Files.size(out.resolve("quarantine.jsonl"))).isZero();
    }

    @Test
    void labelmeVideoFrames() throws Exception {
        Path root = TestData.require(TestData.LABELME_VIDEO_SEGMENTATION);
        Path out = tmp.resolve("video");
        IngestSummary s = IngestFixtures.ingest(IngestFormat.VOC_SEG, root, null, null, null, out);

        assertThat(s.classes().names()).containsExactly("_background_", "car", "track");
        assertThat(s.stats().quarantined()).isZero();
        Map<String, ImageRecord> rows = IngestFixtures.records(out);
        assertThat(rows).hasSize(5).containsKey("00000100");
        long car = 0;
        for (ImageRecord r : rows.values()) {
            assertThat(r.width).isEqualTo(1000);
            assertThat(r.height).isEqualTo(563);
            assertThat(r.maskPixels).containsExactly(
                    npyHistogram(root.resolve("SegmentationClass/" + r.imageId + ".npy"), 1000, 563));
            car += r.maskPixels[1];
        }
        JsonNode stats = IngestFixtures.json(out.resolve("stats.json"));
        assertThat(stats.get("pixels_per_class").get("car").asLong()).isEqualTo(car).isPositive();
        assertThat(stats.get("ignored_pixels").asLong()).isZero();
    }

    /** synth --task segment then ingest --format voc-seg, with no more options */
    @Test
    void synthesizedShapesIngestCleanly() throws Exception {
        Path shapes = tmp.resolve("shapes");
        ShapesGenerator.generate(shapes, 30, 3, 96, Task.SEGMENT);
        Path out = tmp.resolve("shapes-train");
        IngestSummary s = IngestFixtures.ingest(IngestFormat.VOC_SEG, shapes, null, "train", null, out);

        assertThat(s.stats().quarantined()).isZero();
        assertThat(s.stats().images()).isEqualTo(24);
        assertThat(s.classes().names()).containsExactly("background", "circle", "square", "triangle");
        JsonNode stats = IngestFixtures.json(out.resolve("stats.json"));
        for (String name : s.classes().names()) {
            assertThat(stats.get("pixels_per_class").get(name).asLong()).as(name).isPositive();
        }
        assertThat(stats.get("ignored_pixels").asLong()).isZero();
        assertThat(stats.get("warnings").size()).isZero();
        assertThat(IngestFixtures.records(out).values()).allMatch(r -> r.split.equals("train") && r.width == 96
                && r.maskPixels[0] + r.maskPixels[1] + r.maskPixels[2] + r.maskPixels[3] == 96 * 96);
    }

    private static final Pattern SHAPE = Pattern.compile("'shape': \\((\\d+), (\\d+)\\)");

    /** a labelme class array (.npy, little-endian int32, C order) as a histogram, -1 counted as 255 */
    static long[] npyHistogram(Path npy, int width, int height) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(npy)).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(b.get(0)).isEqualTo((byte) 0x93);
        int headerLength = b.getShort(8) & 0xFFFF;
        String header = new String(b.array(), 10, headerLength, StandardCharsets.ISO_8859_1);
        assertThat(header).contains("'descr': '<i4'").contains("'fortran_order': False");
        Matcher shape = SHAPE.matcher(header);
        assertThat(shape.find()).as(header).isTrue();
        assertThat(Integer.parseInt(shape.group(1))).isEqualTo(height);
        assertThat(Integer.parseInt(shape.group(2))).isEqualTo(width);
        long[] counts = new long[ImageRecord.MASK_VALUES];
        for (int i = 0; i < width * height; i++) {
            int v = b.getInt(10 + headerLength + 4 * i);
            counts[v == -1 ? 255 : v]++;
        }
        return counts;
    }
}
