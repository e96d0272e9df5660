package sparkdet.eval;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.Path;
import org.assertj.core.data.Offset;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import sparkdet.data.BoxObject;
import sparkdet.data.ClassList;
import sparkdet.data.ImageIds;
import sparkdet.data.ImageRecord;
import sparkdet.ingest.CocoParser;
import sparkdet.ingest.IngestItem;
import sparkdet.ingest.VocParser;
import sparkdet.testing.TestData;

/** The VOC devkit's numbers on the golden cases, from the VOC folders and from the COCO files, to 1e-9. */
class VocEvaluatorGoldenTest {
    private static final Offset<Double> EXACT = Offset.offset(1e-9);

    private record Case(ClassList classes, List<ImageRecord> images, BoxTable detections) {
    }

    /** ground truth from Annotations/ (the test split), detections from detection-results/*.txt */
    private static Case fromVocFolder(java.nio.file.Path voc) throws Exception {
        ClassList classes = ClassList.parse(Files.readString(voc.resolve("classes.txt")));
        VocParser parser = new VocParser();
        List<ImageRecord> images = new ArrayList<>();
        for (String stem : Files.readAllLines(voc.resolve("ImageSets/Main/test.txt"))) {
            java.nio.file.Path xml = voc.resolve("Annotations/" + stem.strip() + ".xml");
            IngestItem item = parser.parse(Files.readAllBytes(xml), xml.toUri().toString(),
                    new Path("file:/images"), "test");
            images.add(item.record);
        }
        Map<String, Integer> byStem = new HashMap<>();
        for (int i = 0; i < images.size(); i++) {
            byStem.put(images.get(i).imageId, i);
        }
        DetectionTxtReader reader = new DetectionTxtReader(classes, byStem);
        try (var files = Files.list(voc.resolve("detection-results"))) {
            for (java.nio.file.Path f : files.sorted().toList()) {
                reader.read(ImageIds.stem(f.getFileName().toString()), Files.readString(f, StandardCharsets.UTF_8),
                        f.toString());
            }
        }
        assertThat(reader.unknownClass()).isZero();
        assertThat(reader.unknownImage()).isZero();
        return new Case(classes, images, reader.detections());
    }

    /** the same case from gt.json and dt.json: xmax = x + w, iscrowd counts as difficult */
    private static Case fromCocoFiles(java.nio.file.Path dir) throws Exception {
        CocoParser.Result parsed;
        try (InputStream in = Files.newInputStream(dir.resolve("gt.json"))) {
            parsed = new CocoParser(0, 1).parse(in, "gt.json", new Path("file:/images"), null);
        }
        EvalData gt = new EvalData(parsed.items().stream().map(i -> i.record).toList(), parsed.categoryClasses(),
                parsed.categoryIds());
        CocoResultsReader.Result dt;
        try (InputStream in = Files.newInputStream(dir.resolve("dt.json"))) {
            dt = CocoResultsReader.read(in, "dt.json", gt.imageByCocoId(), gt.classByCategoryId());
        }
        return new Case(gt.classes(), gt.images(), dt.detections());
    }

    private static VocMetrics evaluate(Case c, boolean plus1) {
        BoxTable gt = new BoxTable();
        for (int i = 0; i < c.images().size(); i++) {
            for (BoxObject o : c.images().get(i).objects) {
                gt.addCorners(i, c.classes().indexOf(o.label), o.xmin, o.ymin, o.xmax, o.ymax, o.area, 0, o.iscrowd,
                        o.difficult || o.iscrowd);
            }
        }
        return new VocEvaluator(c.classes().size(), 0.5, plus1).evaluate(gt, c.detections(), c.images().size(), 0.5);
    }

    @ParameterizedTest
    @CsvSource({"seed1,voc", "seed2,voc", "seed3,voc", "seed1,coco", "seed2,coco", "seed3,coco"})
    void matchesTheDevkit(String seed, String layout) throws Exception {
        java.nio.file.Path dir = TestData.golden().resolve("eval").resolve(seed);
        JsonNode all = new ObjectMapper().readTree(dir.resolve("expected.json").toFile());
        Case c = layout.equals("voc") ? fromVocFolder(dir.resolve("voc")) : fromCocoFiles(dir);
        for (boolean plus1 : new boolean[] {true, false}) {
            JsonNode expected = all.get(plus1 ? "voc_iou50_plus1" : "voc_iou50_no_plus1");
            VocMetrics m = evaluate(c, plus1);
            assertThat(m.mapVoc07()).isCloseTo(expected.get("mAP_voc07_11pt").asDouble(), EXACT);
            assertThat(m.mapAllPoint()).isCloseTo(expected.get("mAP_all_point").asDouble(), EXACT);
            assertThat(m.classesInMap()).isEqualTo(expected.get("n_classes_in_mAP").asInt());
            for (int k = 0; k < c.classes().size(); k++) {
                JsonNode e = expected.get("per_class").get(c.classes().name(k));
                VocMetrics.ClassResult r = m.classes()[k];
                String what = seed + " " + layout + " plus1=" + plus1 + " " + c.classes().name(k);
                assertThat(r.npos()).as(what).isEqualTo(e.get("npos").asLong());
                assertThat(r.detections()).as(what).isEqualTo(e.get("ndet").asLong());
                assertThat(r.tp()).as(what).isEqualTo(e.get("tp").asLong());
                assertThat(r.fp()).as(what).isEqualTo(e.get("fp").asLong());
                assertThat(r.ignored()).as(what).isEqualTo(e.get("ignored").asLong());
                assertThat(r.apVoc07()).as(what).isCloseTo(e.get("ap_voc07_11pt").asDouble(), EXACT);
                assertThat(r.apAllPoint()).as(what).isCloseTo(e.get("ap_all_point").asDouble(), EXACT);
                assertThat(r.finalRecall()).as(what).isCloseTo(e.get("recall_final").asDouble(), EXACT);
                JsonNode at = e.get("at_threshold");
                assertThat(r.tpAtThreshold()).as(what).isEqualTo(at.get("tp").asLong());
                assertThat(r.fpAtThreshold()).as(what).isEqualTo(at.get("fp").asLong());
                assertThat(r.precision()).as(what).isCloseTo(at.get("precision").asDouble(), EXACT);
                assertThat(r.recall()).as(what).isCloseTo(at.get("recall").asDouble(), EXACT);
                assertThat(r.f1()).as(what).isCloseTo(at.get("f1").asDouble(), EXACT);
            }
        }
    }
}
