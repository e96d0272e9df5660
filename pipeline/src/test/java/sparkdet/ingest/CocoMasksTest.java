package sparkdet.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sparkdet.data.ImageRecord;
import sparkdet.image.LabelMap;
import sparkdet.image.LabelPng;
import sparkdet.model.Task;
import sparkdet.testing.TestData;
import sparkdet.testing.TestSpark;

/**
 * COCO --task segment: polygons and RLE drawn as pycocotools' maskApi draws them (the expected
 * runs come from its C, compiled by scripts/make_coco_mask_fixture.py), painted in the documented
 * order, and the images whose segmentations cannot be painted quarantined.
 */
class CocoMasksTest {
    private static final Path FIXTURE = Path.of("src/test/resources/fixtures/coco_masks.json");

    @TempDir
    Path tmp;

    private static JsonNode fixture() throws Exception {
        return new ObjectMapper().readTree(FIXTURE.toFile());
    }

    private static long[] longs(JsonNode array) {
        long[] out = new long[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asLong();
        }
        return out;
    }

    @Test
    void polygonsAreTheRunsOfMaskApisRleFrPoly() throws Exception {
        JsonNode polygons = fixture().get("polygons");
        assertThat(polygons.size()).isGreaterThanOrEqualTo(7);
        for (JsonNode p : polygons) {
            double[] xy = new double[p.get("xy").size()];
            for (int i = 0; i < xy.length; i++) {
                xy[i] = p.get("xy").get(i).asDouble();
            }
            assertThat(CocoMasks.polygonRuns(xy, p.get("height").asInt(), p.get("width").asInt()))
                    .as(p.get("xy").toString()).containsExactly(longs(p.get("counts")));
        }
    }

    @Test
    void compressedStringsReadAsMaskApisRleFrString() throws Exception {
        for (JsonNode s : fixture().get("strings")) {
            assertThat(CocoMasks.compressedRuns(s.get("string").asText())).as(s.get("string").asText())
                    .containsExactly(longs(s.get("counts")));
        }
    }

    /** a zigzag of 100 image-wide edges would take 15M boundary points: refused, not allocated */
    @Test
    void aPolygonTooLongToDrawIsRefused() {
        double[] zigzag = new double[200];
        for (int i = 0; i < 100; i++) {
            zigzag[2 * i] = i % 2 == 0 ? -10000 : 20000;
            zigzag[2 * i + 1] = i;
        }
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> CocoMasks.polygonRuns(zigzag, 10000, 10000))
                .isInstanceOf(CocoMasks.BadSegmentationException.class).hasMessageContaining("too long to draw");
    }

    /** labelme's export: its first category is _background_ (id 0), so the categories are the classes as they are */
    @Test
    void labelmeInstancesBecomeClassMasks() throws Exception {
        Path coco = TestData.require(TestData.LABELME_COCO);
        Path out = tmp.resolve("labelme-seg");
        IngestSummary s = IngestFixtures.run(IngestFixtures.request(IngestFormat.COCO, coco.resolve("annotations.json"),
                coco.toString(), null, null, out).withTask(Task.SEGMENT));

        assertThat(s.stats().quarantined()).isZero();
        List<String> classes = Files.readAllLines(out.resolve("classes.txt"), StandardCharsets.UTF_8);
        assertThat(classes).hasSize(21).startsWith("_background_", "aeroplane");
        JsonNode expected = fixture().get("labelme_histograms");
        Map<String, ImageRecord> rows = IngestFixtures.records(out);
        assertThat(rows).containsOnlyKeys("0", "1", "2");
        for (ImageRecord r : rows.values()) {
            long[] want = new long[ImageRecord.MASK_VALUES];
            expected.get(r.imageId).fields().forEachRemaining(e -> want[Integer.parseInt(e.getKey())] = e.getValue().asLong());
            assertThat(r.maskPixels).as(r.imageId).containsExactly(want);
            Path mask = out.resolve("masks/" + r.imageId + ".png");
            assertThat(r.maskUri).isEqualTo(new org.apache.hadoop.fs.Path(mask.toUri()).toString());
            byte[] png = Files.readAllBytes(mask);
            assertThat(LabelPng.header(png).describe()).isEqualTo("8-bit grey");
            assertThat(LabelPng.decode(png, "mask", TestSpark.pixelLimit()).histogram()).containsExactly(want);
            assertThat(r.objects).as("the boxes stay").isNotEmpty();
        }
        JsonNode stats = IngestFixtures.json(out.resolve("stats.json"));
        assertThat(stats.get("task").asText()).isEqualTo("segment");
        assertThat(stats.get("pixels_per_class").get("person").asLong()).isEqualTo(32412 + 34428);
        assertThat(stats.get("masks_per_class").get("person").asLong()).isEqualTo(2);
    }

    /**
     * Crowds first as 255, then the objects in file order over them; uncompressed and compressed
     * RLE; broken segmentations reject their image. Categories 3 (a) and 7 (b): classes
     * background, a, b.
     */
    @Test
    void paintingOrderAndBrokenSegmentations() throws Exception {
        String json = """
            {"images": [
              {"id": 1, "file_name": "one.jpg", "width": 6, "height": 5},
              {"id": 2, "file_name": "two.jpg", "width": 6, "height": 6},
              {"id": 3, "file_name": "box.jpg", "width": 6, "height": 6},
              {"id": 4, "file_name": "size.jpg", "width": 6, "height": 6},
              {"id": 5, "file_name": "none.jpg", "width": 6, "height": 6},
              {"id": 6, "file_name": "short.jpg", "width": 6, "height": 6},
              {"id": 7, "file_name": "empty.jpg", "width": 6, "height": 6},
              {"id": 8, "file_name": "far.jpg", "width": 6, "height": 6}],
             "categories": [{"id": 7, "name": "b"}, {"id": 3, "name": "a"}],
             "annotations": [
              {"id": 1, "image_id": 1, "category_id": 3, "bbox": [1, 1, 3, 3], "iscrowd": 0,
               "segmentation": [[1, 1, 4, 1, 4, 4, 1, 4]]},
              {"id": 2, "image_id": 1, "category_id": 7, "bbox": [3, 0, 3, 3], "iscrowd": 0,
               "segmentation": [[3, 0, 6, 0, 6, 3, 3, 3]]},
              {"id": 3, "image_id": 1, "category_id": 3, "bbox": [0, 0, 2, 5], "iscrowd": 1,
               "segmentation": {"counts": [0, 10, 20], "size": [5, 6]}},
              {"id": 4, "image_id": 2, "category_id": 7, "bbox": [2, 2, 3, 3], "iscrowd": 0,
               "segmentation": {"counts": ">330004", "size": [6, 6]}},
              {"id": 5, "image_id": 3, "category_id": 3, "bbox": [1, 1, 2, 2], "segmentation": [[1, 1, 3, 3]]},
              {"id": 6, "image_id": 4, "category_id": 3, "bbox": [1, 1, 2, 2], "iscrowd": 1,
               "segmentation": {"counts": [0, 81], "size": [9, 9]}},
              {"id": 7, "image_id": 5, "category_id": 3, "bbox": [1, 1, 2, 2]},
              {"id": 8, "image_id": 6, "category_id": 3, "bbox": [1, 1, 2, 2], "iscrowd": 1,
               "segmentation": {"counts": [0, 10], "size": [6, 6]}},
              {"id": 9, "image_id": 8, "category_id": 7, "bbox": [1, 1, 2, 2],
               "segmentation": [[0, 0, 1e12, 0, 3, 3]]}]}
            """;
        Path file = Files.writeString(tmp.resolve("instances_small.json"), json);
        Path out = tmp.resolve("small-seg");
        IngestSummary s = IngestFixtures.run(IngestFixtures.request(IngestFormat.COCO, file, null, null, null, out)
                .withTask(Task.SEGMENT));

        assertThat(s.classes().names()).containsExactly("background", "a", "b");
        Map<String, ImageRecord> rows = IngestFixtures.records(out);
        assertThat(rows).containsOnlyKeys("1", "2", "7");
        LabelMap one = LabelPng.decode(Files.readAllBytes(out.resolve("masks/1.png")), "1", TestSpark.pixelLimit());
        int[][] expected = {
            {255, 255, 0, 2, 2, 2},
            {255, 1, 1, 2, 2, 2},
            {255, 1, 1, 2, 2, 2},
            {255, 1, 1, 1, 0, 0},
            {255, 255, 0, 0, 0, 0},
        };
        for (int y = 0; y < 5; y++) {
            for (int x = 0; x < 6; x++) {
                assertThat(one.at(x, y)).as("(" + x + ", " + y + ")").isEqualTo(expected[y][x]);
            }
        }
        assertThat(rows.get("1").maskPixels[255]).isEqualTo(7);
        LabelMap two = LabelPng.decode(Files.readAllBytes(out.resolve("masks/2.png")), "2", TestSpark.pixelLimit());
        for (int y = 0; y < 6; y++) {
            for (int x = 0; x < 6; x++) {
                boolean inside = x >= 2 && x <= 4 && y >= 2 && y <= 4;
                assertThat(two.at(x, y)).as("(" + x + ", " + y + ")").isEqualTo(inside ? 2 : 0);
            }
        }

        Map<String, String> reasons = new java.util.TreeMap<>();
        for (JsonNode q : IngestFixtures.quarantine(out)) {
            String src = q.get("source").asText();
            reasons.put(src.substring(src.indexOf('#')), q.get("reason").asText() + ": " + q.get("detail").asText());
        }
        assertThat(reasons).hasSize(5);
        assertThat(reasons.get("#images[2]")).startsWith("malformed_annotation").contains("object 1 ('a')")
                .contains("a polygon of 4 numbers");
        assertThat(reasons.get("#images[3]")).contains("RLE size [9,9] is not the image's [height, width] [6, 6]");
        assertThat(reasons.get("#images[4]")).contains("has no segmentation").contains("the image is left out");
        assertThat(reasons.get("#images[5]")).contains("its runs cover 10 pixels, not the image's 6x6");
        assertThat(reasons.get("#images[7]")).contains("object 1 ('b')").contains("lies far outside the 6x6 image");
        JsonNode stats = IngestFixtures.json(out.resolve("stats.json"));
        assertThat(stats.get("warnings").get("mask_background_only").asLong()).as("image 7 has no object").isEqualTo(1);
        assertThat(stats.get("ignored_pixels").asLong()).isEqualTo(7);
    }
}
