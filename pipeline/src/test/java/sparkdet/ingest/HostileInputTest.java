package sparkdet.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sparkdet.data.BoxObject;
import sparkdet.data.ImageRecord;
import sparkdet.testing.Bombs;
import sparkdet.testing.TestData;

/**
 * Every kind of bad record in one run: the run completes, each record lands in quarantine with
 * its reason, the good records are all there, and no file is ever read through an entity.
 */
class HostileInputTest {
    private static final String SECRET = "TOP-SECRET-7d1f0c";
    private static final Charset GBK = Charset.forName("GBK");

    @TempDir
    Path tmp;

    private static String voc(String file, int w, int h, String objects) {
        return "<annotation><filename>" + file + "</filename><size><width>" + w + "</width><height>" + h
                + "</height><depth>3</depth></size>" + objects + "</annotation>";
    }

    private static String object(String name, double x0, double y0, double x1, double y1) {
        return "<object><name>" + name + "</name><difficult>0</difficult><bndbox><xmin>" + x0 + "</xmin><ymin>" + y0
                + "</ymin><xmax>" + x1 + "</xmax><ymax>" + y1 + "</ymax></bndbox></object>";
    }

    @Test
    void hostileVocFolder() throws Exception {
        Path secret = Files.writeString(tmp.resolve("secret.txt"), SECRET);
        Path root = tmp.resolve("voc");
        Path ann = Files.createDirectories(root.resolve("Annotations"));
        Path jpg = Files.createDirectories(root.resolve("JPEGImages"));
        for (String name : List.of("dog", "horses", "person")) {
            Files.copy(TestData.require(TestData.DARKNET.resolve(name + ".jpg")), jpg.resolve(name + ".jpg"));
        }
        StringBuilder laughs = new StringBuilder("<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n<!ENTITY lol \"lol\">\n");
        laughs.append("<!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n");
        for (int i = 2; i <= 9; i++) {
            laughs.append("<!ENTITY lol").append(i).append(" \"").append(("&lol" + (i - 1) + ";").repeat(10)).append("\">\n");
        }
        laughs.append("]>\n<annotation><filename>&lol9;</filename></annotation>\n");
        Files.writeString(ann.resolve("laughs.xml"), laughs);
        Files.writeString(ann.resolve("xxe.xml"), "<?xml version=\"1.0\"?>\n<!DOCTYPE a [<!ENTITY xxe SYSTEM \""
                + secret.toUri() + "\">]>\n" + voc("dog.jpg", 768, 576, object("&xxe;", 1, 1, 10, 10)));
        Files.writeString(ann.resolve("truncated.xml"), voc("dog.jpg", 768, 576, object("dog", 1, 1, 10, 10)).substring(0, 120));
        Files.writeString(ann.resolve("dog.xml"), voc("dog.jpg", 768, 576,
                object("dog", 128, 224, 314, 537)                 // good
                        + object("dog", -10, 100, 200, 580)       // slightly outside: clipped
                        + object("dog", 100, 100, 5000, 300)      // far outside: quarantined
                        + object("dog", 50, 50, 50, 90)           // no width
                        + object("unicorn", 10, 10, 20, 20)));    // not in the classes file
        Files.writeString(ann.resolve("horses.xml"), voc("horses.jpg", 0, 0, object("horse", 1, 1, 100, 100)));
        Files.write(jpg.resolve("cut.jpg"), java.util.Arrays.copyOf(Files.readAllBytes(jpg.resolve("dog.jpg")), 60));
        Files.writeString(ann.resolve("cut.xml"), voc("cut.jpg", 0, 0, object("dog", 1, 1, 10, 10)));
        Files.writeString(ann.resolve("missing.xml"), voc("missing.jpg", 640, 480, object("dog", 1, 1, 10, 10)));
        Files.writeString(ann.resolve("escape.xml"), voc("../../secret.txt", 640, 480, object("dog", 1, 1, 10, 10)));
        Files.write(ann.resolve("person.xml"), ("<?xml version=\"1.0\" encoding=\"GBK\"?>\n"
                + voc("person.jpg", 640, 424, object("人", 190, 95, 275, 375))).getBytes(GBK));
        Path classes = Files.write(tmp.resolve("classes.txt"), "dog\nhorse\n人\n".getBytes(StandardCharsets.UTF_8));

        Path out = tmp.resolve("ds");
        IngestSummary s = IngestFixtures.ingest(IngestFormat.VOC, root, null, null, classes, out);

        Map<String, String> reasons = new TreeMap<>();
        for (JsonNode q : IngestFixtures.quarantine(out)) {
            String src = q.get("source").asText();
            reasons.merge(src.substring(src.lastIndexOf('/') + 1), q.get("reason").asText(), (a, b) -> a + "," + b);
            assertThat(q.get("detail").asText()).isNotBlank();
        }
        assertThat(reasons).containsEntry("laughs.xml", "xml_doctype_forbidden")
                .containsEntry("xxe.xml", "xml_doctype_forbidden")
                .containsEntry("truncated.xml", "malformed_annotation")
                .containsEntry("dog.xml#object3", "box_outside_image")
                .containsEntry("dog.xml#object4", "degenerate_box")
                .containsEntry("dog.xml#object5", "unknown_label")
                .containsEntry("missing.xml", "image_missing")
                .containsEntry("escape.xml", "path_outside_root")
                .containsEntry("cut.xml", "image_unreadable")
                .hasSize(9);

        Map<String, ImageRecord> rows = IngestFixtures.records(out);
        assertThat(rows).containsOnlyKeys("dog", "horses", "person");
        assertThat(rows.get("dog").objects).extracting(o -> o.xmin + "," + o.ymax)
                .containsExactly("128.0,537.0", "0.0,576.0");
        assertThat(s.stats().clipped()).isEqualTo(1);
        ImageRecord horses = rows.get("horses");
        assertThat(horses.width).as("size read from the JPEG header").isEqualTo(773);
        assertThat(horses.height).isEqualTo(512);
        BoxObject person = rows.get("person").objects.get(0);
        assertThat(person.label).isEqualTo("人");
        assertThat(person.classIndex).isEqualTo(2);

        JsonNode stats = IngestFixtures.json(out.resolve("stats.json"));
        assertThat(stats.get("quarantined").asLong()).isEqualTo(9);
        assertThat(stats.get("quarantine_reasons").get("xml_doctype_forbidden").asLong()).isEqualTo(2);
        assertThat(stats.get("per_class").get("人").asLong()).isEqualTo(1);
        assertThat(Files.readString(out.resolve("classes.txt"), StandardCharsets.UTF_8)).contains("人");
        // the Parquet files are compressed: search the decoded rows as well as every file's bytes
        assertThat(IngestFixtures.allText(out)).doesNotContain(SECRET);
        assertThat(rows.toString()).doesNotContain(SECRET);
    }

    /** issue 12, part 2: sizes above sparkdet.images.max-pixels, from the header or the annotation */
    @Test
    void decompressionBombsAreQuarantinedAsTooLarge() throws Exception {
        Path root = tmp.resolve("bombs");
        Path ann = Files.createDirectories(root.resolve("Annotations"));
        Path jpg = Files.createDirectories(root.resolve("JPEGImages"));
        Files.copy(TestData.require(TestData.DARKNET.resolve("dog.jpg")), jpg.resolve("dog.jpg"));
        Files.copy(jpg.resolve("dog.jpg"), jpg.resolve("liar.jpg"));
        Files.write(jpg.resolve("bomb.png"), Bombs.png(30000, 30000));
        ImageIO.write(new BufferedImage(50, 30, BufferedImage.TYPE_INT_RGB), "png", jpg.resolve("small.png").toFile());
        Files.writeString(ann.resolve("small.xml"), voc("small.png", 0, 0, object("dog", 1, 1, 10, 10)));
        Files.writeString(ann.resolve("dog.xml"), voc("dog.jpg", 768, 576, object("dog", 128, 224, 314, 537)));
        Files.writeString(ann.resolve("bomb.xml"), voc("bomb.png", 0, 0, object("dog", 1, 1, 10, 10)));
        Files.writeString(ann.resolve("liar.xml"), voc("liar.jpg", 30000, 30000, object("dog", 1, 1, 10, 10)));
        Path classes = Files.writeString(tmp.resolve("classes.txt"), "dog\n");

        Path out = tmp.resolve("bombs-ds");
        IngestSummary s = IngestFixtures.ingest(IngestFormat.VOC, root, null, null, classes, out);

        assertThat(IngestFixtures.records(out)).containsOnlyKeys("dog", "small");
        assertThat(s.stats().quarantined()).isEqualTo(2);
        List<JsonNode> q = IngestFixtures.quarantine(out);
        assertThat(q).extracting(n -> n.get("reason").asText()).containsExactly("image_too_large", "image_too_large");
        assertThat(q.get(0).get("source").asText()).endsWith("bomb.xml");
        assertThat(q.get(0).get("detail").asText()).contains("bomb.png")
                .contains("its header declares 30000x30000 = 900000000 pixels, more than sparkdet.images.max-pixels");
        assertThat(q.get(1).get("detail").asText()).contains("liar.jpg").contains("its annotation gives 30000x30000");

        Path lowered = tmp.resolve("lowered-ds");
        IngestFixtures.ingest(IngestFormat.VOC, root, null, null, classes, lowered, "images.max-pixels=400000");
        assertThat(IngestFixtures.records(lowered)).as("the setting is the limit: 768x576 is above").containsOnlyKeys("small");
    }

    @Test
    void aSecondFileForTheSameStemIsQuarantinedWithOrWithoutASplit() throws Exception {
        Path root = tmp.resolve("dups");
        Path ann = Files.createDirectories(root.resolve("Annotations/more"));
        Files.writeString(root.resolve("Annotations/a.xml"), voc("a.jpg", 100, 100, object("dog", 1, 1, 10, 10)));
        Files.writeString(ann.resolve("a.xml"), voc("a.jpg", 100, 100, object("dog", 2, 2, 20, 20)));
        Files.createDirectories(root.resolve("ImageSets/Main"));
        Files.writeString(root.resolve("ImageSets/Main/train.txt"), "a\n");
        for (String split : new String[] {null, "train"}) {
            Path out = tmp.resolve("dups-" + split);
            IngestSummary s = IngestFixtures.ingest(IngestFormat.VOC, root, null, split, null, out);
            assertThat(s.stats().images()).as("split " + split).isEqualTo(1);
            assertThat(IngestFixtures.quarantine(out)).as("split " + split).extracting(q -> q.get("reason").asText())
                    .containsExactly("duplicate_image_id");
        }
    }

    @Test
    void gbkAnnotationLinesWithChineseLabelAndPath() throws Exception {
        Path images = Files.createDirectories(tmp.resolve("图片"));
        Files.copy(TestData.require(TestData.DARKNET.resolve("dog.jpg")), images.resolve("小狗 01.jpg"));
        Path classes = Files.write(tmp.resolve("classes.txt"), "狗\n自行车\n".getBytes(GBK));
        String lines = "图片/小狗 01.jpg 128,224,314,537,0 100,100,600,400,1\n"
                + "图片/小狗 01.jpg 1,1,10,10,0\n"                  // listed twice
                + "图片/没有.jpg 1,1,10,10,0\n"                      // no such image
                + "图片/小狗 01.jpg 1,2,3\n"                         // not a box
                + "\n";
        Path file = Files.write(tmp.resolve("train.txt"), lines.getBytes(GBK));
        Path out = tmp.resolve("ds");
        IngestSummary s = IngestFixtures.ingest(IngestFormat.LINES, file, null, null, classes, out);
        assertThat(s.stats().images()).isEqualTo(1);
        assertThat(s.stats().objects()).isEqualTo(2);
        ImageRecord r = IngestFixtures.records(out).values().iterator().next();
        assertThat(r.fileName).isEqualTo("图片/小狗 01.jpg");
        assertThat(r.width).isEqualTo(768);
        assertThat(r.objects).extracting(o -> o.label).containsExactly("狗", "自行车");
        assertThat(r.split).isEqualTo("train");
        assertThat(IngestFixtures.quarantine(out)).extracting(q -> q.get("reason").asText())
                .containsExactly("duplicate_image_id", "image_missing", "malformed_line");
        assertThat(Files.readAllLines(out.resolve("classes.txt"), StandardCharsets.UTF_8)).containsExactly("狗", "自行车");
    }

    @Test
    void hostileCocoFile() throws Exception {
        String json = """
            {"images": [
               {"id": 1, "file_name": "a.jpg", "width": 100, "height": 80},
               {"id": 1, "file_name": "b.jpg", "width": 100, "height": 80},
               {"id": 2, "file_name": "../../etc/passwd", "width": 100, "height": 80},
               {"id": 3, "file_name": "c.jpg"}],
             "annotations": [
               {"id": 1, "image_id": 1, "category_id": 7, "bbox": [10, 10, 20, 20], "area": 400, "iscrowd": 0},
               {"id": 2, "image_id": 1, "category_id": 9, "bbox": [10, 10, 20, 20], "area": 400, "iscrowd": 0},
               {"id": 3, "image_id": 99, "category_id": 7, "bbox": [10, 10, 20, 20], "area": 400, "iscrowd": 0},
               {"id": 4, "image_id": 1, "category_id": 7, "bbox": [10, 10, 20], "iscrowd": 0},
               {"id": 5, "image_id": 1, "category_id": 7, "bbox": [90, 10, 30, 20], "area": 600, "iscrowd": 1,
                "segmentation": {"counts": [1, 2, 3], "size": [80, 100]}}],
             "categories": [{"id": 7, "name": "tv/monitor"}]}
            """;
        Path file = Files.writeString(tmp.resolve("instances_val2017.json"), json);
        Path out = tmp.resolve("ds");
        IngestSummary s = IngestFixtures.ingest(IngestFormat.COCO, file, null, null, null, out);
        assertThat(IngestFixtures.quarantine(out)).extracting(q -> q.get("reason").asText())
                .containsExactlyInAnyOrder("duplicate_image_id", "path_outside_root", "image_size_unknown",
                        "missing_image_id", "malformed_annotation", "unknown_category", "box_outside_image");
        ImageRecord a = IngestFixtures.records(out).get("1");
        assertThat(a.split).isEqualTo("val2017");
        assertThat(a.objects).hasSize(1);
        assertThat(a.objects.get(0).label).isEqualTo("tv/monitor");
        assertThat(s.stats().images()).isEqualTo(1);
    }

    @Test
    void unusableInputWritesNothing() throws Exception {
        Path file = Files.writeString(tmp.resolve("broken.json"), "{\"images\": [ {\"id\": 1,");
        Path out = tmp.resolve("ds");
        org.assertj.core.api.Assertions.assertThatThrownBy(
                () -> IngestFixtures.ingest(IngestFormat.COCO, file, null, null, null, out))
                .isInstanceOf(sparkdet.io.InputUnusableException.class).hasMessageContaining("broken.json");
        try (var left = Files.list(tmp)) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactly("broken.json");
        }
    }
}
