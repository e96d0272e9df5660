package sparkdet.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sparkdet.data.BoxObject;
import sparkdet.data.ImageRecord;
import sparkdet.testing.TestData;

/** labelme-examples' three VOC 2011 photos, annotated once as VOC and once as COCO. */
class LabelmeIngestTest {
    @TempDir
    Path tmp;

    @Test
    void vocWithItsClassNamesFile() throws Exception {
        Path voc = TestData.require(TestData.LABELME_VOC);
        Path out = tmp.resolve("voc-ds");
        IngestSummary s = IngestFixtures.ingest(IngestFormat.VOC, voc, null, null, voc.resolve("class_names.txt"), out);

        assertThat(s.stats().images()).isEqualTo(3);
        assertThat(s.stats().objects()).isEqualTo(9);
        assertThat(s.stats().quarantined()).isZero();
        JsonNode stats = IngestFixtures.json(out.resolve("stats.json"));
        assertThat(stats.get("per_class").get("person").asLong()).isEqualTo(6);
        assertThat(stats.get("per_class").get("bus").asLong()).isEqualTo(2);
        assertThat(stats.get("per_class").get("car").asLong()).isEqualTo(1);
        assertThat(stats.get("per_class").get("tv/monitor").asLong()).isZero();
        assertThat(stats.get("per_class").get("potted plant").asLong()).isZero();

        Map<String, ImageRecord> rows = IngestFixtures.records(out);
        assertThat(rows).containsOnlyKeys("2011_000003", "2011_000006", "2011_000025");
        ImageRecord r = rows.get("2011_000003");
        assertThat(r.width).isEqualTo(500);
        assertThat(r.height).isEqualTo(338);
        assertThat(r.uri).endsWith("/JPEGImages/2011_000003.jpg");
        assertThat(r.cocoImageId).isEqualTo(2011000003L);
        BoxObject first = r.objects.get(0);
        assertThat(first.label).isEqualTo("person");
        assertThat(first.classIndex).isEqualTo(15);
        assertThat(first.xmin).isEqualTo(191.0);
        assertThat(first.ymin).isEqualTo(107.36900369003689);
        assertThat(first.xmax).isEqualTo(313.0);
        assertThat(first.ymax).isEqualTo(329.36900369003695);
        assertThat(first.difficult).isFalse();

        List<String> classes = Files.readAllLines(out.resolve("classes.txt"), StandardCharsets.UTF_8);
        assertThat(classes).startsWith("_background_", "aeroplane").contains("potted plant", "tv/monitor").hasSize(21);
        assertNoFolderNamedAfterALabelPart(out);
        assertThat(out.resolve("_SUCCESS")).exists();
        assertThat(out.resolve("stats.png")).isNotEmptyFile();
        assertThat(Files.size(out.resolve("quarantine.jsonl"))).isZero();
    }

    @Test
    void vocWithoutClassesFileSortsTheLabels() throws Exception {
        Path out = tmp.resolve("voc-sorted");
        IngestSummary s = IngestFixtures.ingest(IngestFormat.VOC, TestData.require(TestData.LABELME_VOC), null, null, null, out);
        assertThat(s.classes().names()).containsExactly("bus", "car", "person");
        assertThat(IngestFixtures.records(out).get("2011_000025").objects)
                .extracting(o -> o.classIndex).containsExactlyInAnyOrder(0, 0, 1);
    }

    @Test
    void cocoWithFolderInFileNames() throws Exception {
        Path coco = TestData.require(TestData.LABELME_COCO);
        Path out = tmp.resolve("coco-ds");
        IngestSummary s = IngestFixtures.ingest(IngestFormat.COCO, coco.resolve("annotations.json"),
                coco.toString(), null, null, out);
        assertThat(s.stats().images()).isEqualTo(3);
        assertThat(s.stats().objects()).isEqualTo(12);
        assertThat(s.stats().quarantined()).isZero();
        JsonNode perClass = IngestFixtures.json(out.resolve("stats.json")).get("per_class");
        assertThat(perClass.get("person").asLong()).isEqualTo(6);
        assertThat(perClass.get("bus").asLong()).isEqualTo(2);
        assertThat(perClass.get("car").asLong()).isEqualTo(1);
        assertThat(perClass.get("bottle").asLong()).isEqualTo(1);
        assertThat(perClass.get("chair").asLong()).isEqualTo(1);
        assertThat(perClass.get("sofa").asLong()).isEqualTo(1);
        assertThat(perClass.get("tv/monitor").asLong()).isZero();

        Map<String, ImageRecord> rows = IngestFixtures.records(out);
        assertThat(rows).containsOnlyKeys("0", "1", "2");
        ImageRecord img0 = rows.get("0");
        assertThat(img0.fileName).isEqualTo("JPEGImages/2011_000003.jpg");
        assertThat(img0.uri).endsWith("/data_dataset_coco/JPEGImages/2011_000003.jpg");
        assertThat(img0.cocoImageId).isZero();
        BoxObject bottle = img0.objects.stream().filter(o -> o.label.equals("bottle")).findFirst().orElseThrow();
        assertThat(bottle.categoryId).isEqualTo(5);
        assertThat(bottle.classIndex).isEqualTo(5);
        assertThat(new double[] {bottle.xmin, bottle.ymin, bottle.xmax, bottle.ymax})
                .containsExactly(369.0, 159.0, 388.0, 213.0);
        assertThat(bottle.segmentation).startsWith("[[").contains(",");
        assertThat(rows.get("2").objects).extracting(o -> o.label).contains("sofa", "chair");
        assertNoFolderNamedAfterALabelPart(out);
    }

    private static void assertNoFolderNamedAfterALabelPart(Path out) throws Exception {
        try (Stream<Path> files = Files.walk(out)) {
            assertThat(files.map(p -> p.getFileName().toString())).doesNotContain("tv", "monitor", "potted plant");
        }
    }
}
