package sparkdet.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import sparkdet.ingest.IngestFormat;
import sparkdet.ingest.IngestJob;
import sparkdet.ingest.IngestRequest;
import sparkdet.io.InputUnusableException;
import sparkdet.io.Storage;
import sparkdet.testing.TestData;
import sparkdet.testing.TestSpark;

/** evaluate end to end: every ground-truth and detection form gives the golden numbers in metrics.json. */
class EvalJobTest {
    private static final Offset<Double> EXACT = Offset.offset(1e-9);

    @TempDir
    Path tmp;

    private JsonNode run(Path gt, Path dt, String name) throws Exception {
        return run(gt, dt, name, "local");
    }

    private JsonNode run(Path gt, Path dt, String name, String mode) throws Exception {
        EvalRequest req = new EvalRequest(gt.toString(), dt.toString(), tmp.resolve(name).toString(), "all", 0.5, 0.5,
                true, false, 100, mode, 0, 2);
        new EvalJob(new Storage(new Configuration()), TestSpark::session).run(req);
        assertThat(tmp.resolve(name + "/_SUCCESS")).exists();
        assertThat(Files.readString(tmp.resolve(name + "/results.txt"))).contains("cls01").contains("COCO  AP");
        return new ObjectMapper().readTree(tmp.resolve(name + "/metrics.json").toFile());
    }

    @Test
    void cocoFilesVocFolderAndIngestedDatasetGiveTheGoldenNumbers() throws Exception {
        Path seed = TestData.golden().resolve("eval/seed1");
        JsonNode expected = new ObjectMapper().readTree(seed.resolve("expected.json").toFile());
        double ap = expected.get("coco_bbox").get("stats").get(0).asDouble();
        double vocMap = expected.get("voc_iou50_plus1").get("mAP_all_point").asDouble();

        JsonNode fromCoco = run(seed.resolve("gt.json"), seed.resolve("dt.json"), "coco");
        assertThat(fromCoco.get("coco").get("AP").asDouble()).isCloseTo(ap, EXACT);
        assertThat(fromCoco.get("voc").get("mAP_all_point").asDouble()).isCloseTo(vocMap, EXACT);
        assertThat(fromCoco.get("counts").get("images").asInt()).isEqualTo(200);
        assertThat(fromCoco.get("counts").get("gt").asInt()).isEqualTo(863);
        assertThat(fromCoco.get("coco").get("per_class").get("cls04").get("AP50").asDouble())
                .isCloseTo(expected.get("coco_bbox").get("per_category").get("4").get("AP50").asDouble(), EXACT);
        assertThat(fromCoco.get("at_threshold").get("per_class").get("cls01").get("f1").asDouble()).isCloseTo(
                expected.get("voc_iou50_plus1").get("per_class").get("cls01").get("at_threshold").get("f1").asDouble(),
                EXACT);
        assertThat(fromCoco.get("timing_s").get("evaluate").asDouble()).isNotNegative();

        JsonNode fromVoc = run(seed.resolve("voc"), seed.resolve("voc/detection-results"), "voc");
        assertThat(fromVoc.get("voc").get("mAP_all_point").asDouble()).isCloseTo(vocMap, EXACT);
        assertThat(fromVoc.get("voc").get("per_class").get("cls06").get("npos").asLong())
                .isEqualTo(expected.get("voc_iou50_plus1").get("per_class").get("cls06").get("npos").asLong());

        Path dataset = tmp.resolve("dataset");
        new IngestJob(TestSpark.session()).run(IngestRequest.of(IngestFormat.COCO, seed.resolve("gt.json").toString(),
                null, null, null, dataset.toString(), false, TestSpark.config()));
        JsonNode fromDataset = run(dataset, seed.resolve("dt.json"), "from-dataset");
        assertThat(fromDataset.get("coco").get("AP").asDouble()).isCloseTo(ap, EXACT);
        assertThat(fromDataset.get("voc").get("mAP_all_point").asDouble()).isCloseTo(vocMap, EXACT);
    }

    /** in cluster mode the message comes from a Spark task and must reach the user as it is */
    @ParameterizedTest
    @ValueSource(strings = {"local", "cluster"})
    void detectionsForUnknownImagesAreRefusedNamingThem(String mode) throws Exception {
        Path seed = TestData.golden().resolve("eval/seed1");
        Path dt = Files.writeString(tmp.resolve("dt.json"),
                "[{\"image_id\": 1, \"category_id\": 1, \"bbox\": [1, 2, 3, 4], \"score\": 0.9},"
                        + " {\"image_id\": 424242, \"category_id\": 1, \"bbox\": [1, 2, 3, 4], \"score\": 0.5}]");
        assertThatThrownBy(() -> run(seed.resolve("gt.json"), dt, "bad", mode)).isInstanceOf(InputUnusableException.class)
                .hasMessageContaining("424242").hasMessageContaining("dt.json");
        assertThat(tmp.resolve("bad")).doesNotExist();
        Path nan = Files.writeString(tmp.resolve("nan.json"),
                "[{\"image_id\": 1, \"category_id\": 1, \"bbox\": [1, 2, 3, 4], \"score\": NaN}]");
        assertThatThrownBy(() -> run(seed.resolve("gt.json"), nan, "nan", mode)).hasMessageContaining("nan.json[0]")
                .hasMessageContaining("score is not a finite number");
    }

    private static final String IMAGES = "\"images\": [{\"id\": 1, \"file_name\": \"a.jpg\", \"width\": 100, "
            + "\"height\": 100}, {\"id\": 2, \"file_name\": \"b.jpg\", \"width\": 100, \"height\": 100}]";

    private JsonNode evaluate(Path gt, Path dt, String name, String mode) throws Exception {
        EvalRequest req = new EvalRequest(gt.toString(), dt.toString(), tmp.resolve(name).toString(), "all", 0.5, 0.5,
                true, false, 100, mode, 0, 2);
        new EvalJob(new Storage(new Configuration()), TestSpark::session).run(req);
        return new ObjectMapper().readTree(tmp.resolve(name + "/metrics.json").toFile());
    }

    /** a 300-character class name, a class named "all" and a detection with a negative width */
    @ParameterizedTest
    @ValueSource(strings = {"local", "cluster"})
    void oddClassNamesKeepTheirFilesAndNegativeSizesAreCounted(String mode) throws Exception {
        String longName = "n".repeat(300);
        Path gt = Files.writeString(tmp.resolve("gt.json"), "{" + IMAGES + ", \"categories\": [{\"id\": 1, "
                + "\"name\": \"" + longName + "\"}, {\"id\": 2, \"name\": \"all\"}], \"annotations\": ["
                + "{\"id\": 1, \"image_id\": 1, \"category_id\": 1, \"bbox\": [10, 10, 20, 20], \"area\": 400, "
                + "\"iscrowd\": 0}, {\"id\": 2, \"image_id\": 2, \"category_id\": 2, \"bbox\": [5, 5, 30, 30], "
                + "\"area\": 900, \"iscrowd\": 0}]}");
        Path dt = Files.writeString(tmp.resolve("dt.json"), "[{\"image_id\": 1, \"category_id\": 1, "
                + "\"bbox\": [10, 10, 20, 20], \"score\": 0.9}, {\"image_id\": 2, \"category_id\": 2, "
                + "\"bbox\": [5, 5, 30, 30], \"score\": 0.8}, {\"image_id\": 2, \"category_id\": 2, "
                + "\"bbox\": [40, 40, -10, 10], \"score\": 0.7}]");
        JsonNode m = evaluate(gt, dt, "odd", mode);
        assertThat(m.get("counts").get("negative_size_detections").asLong()).isEqualTo(1);
        assertThat(m.get("voc").get("per_class").get(longName).get("ap_all_point").asDouble()).isEqualTo(1.0);
        Path curves = tmp.resolve("odd/pr_curves");
        assertThat(curves.resolve("n".repeat(100) + ".png")).as("the long name, cut").exists();
        assertThat(curves.resolve("all_1.csv")).as("the class named all").exists();
        assertThat(Files.readString(curves.resolve("all_1.csv")).lines().count()).as("its two detections").isEqualTo(3);
        assertThat(curves.resolve("all.png")).as("every class").exists();
    }

    @Test
    void groundTruthWithoutObjectsGivesNullsWithReasonsNotNaNStrings() throws Exception {
        Path gt = Files.writeString(tmp.resolve("empty.json"), "{" + IMAGES
                + ", \"categories\": [{\"id\": 1, \"name\": \"cat\"}], \"annotations\": []}");
        Path dt = Files.writeString(tmp.resolve("dt.json"), "[{\"image_id\": 1, \"category_id\": 1, "
                + "\"bbox\": [10, 10, 20, 20], \"score\": 0.9}]");
        JsonNode m = evaluate(gt, dt, "empty", "local");
        assertThat(Files.readString(tmp.resolve("empty/metrics.json"))).doesNotContain("NaN");
        assertThat(m.get("voc").get("mAP_all_point").isNull()).isTrue();
        assertThat(m.get("voc").get("mAP_voc07").isNull()).isTrue();
        assertThat(m.get("undefined").get("voc.mAP_all_point").asText()).isEqualTo("no ground-truth objects to find");
        assertThat(m.get("at_threshold").get("per_class").get("cat").get("recall").asDouble())
                .as("as the repositories' get_map counts it").isZero();
    }
}
