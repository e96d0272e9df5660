package sparkdet.eval;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import sparkdet.data.ClassList;
import sparkdet.io.HadoopConf;
import sparkdet.io.Storage;
import sparkdet.testing.TestData;
import sparkdet.testing.TestSpark;

/**
 * The reference get_miou.py's numbers on the golden segmentation cases (shared/golden/seg, written
 * by gen_seg_case.py): the confusion matrix exactly, the skipped image, every per-class number and
 * the means to 1e-9, summed on the driver, in Spark tasks, and through the job's metrics.json and
 * confusion_matrix.csv.
 */
class SegmentationGoldenTest {
    private static final Offset<Double> EXACT = Offset.offset(1e-9);
    private static final Storage STORAGE = new Storage(new Configuration());

    @TempDir
    Path tmp;

    private static Path seed(String name) {
        return TestData.golden().resolve("seg/" + name);
    }

    private static JsonNode expected(Path seed) throws Exception {
        return new ObjectMapper().readTree(seed.resolve("expected.json").toFile());
    }

    private static SegmentationSources.Inputs inputs(Path seed) throws Exception {
        return new SegmentationSources(STORAGE, TestSpark::session).read(seed.toString(),
                seed.resolve("predictions").toString(), null, "val");
    }

    private static void assertMatrix(SegmentationConfusion confusion, JsonNode expected) {
        JsonNode rows = expected.get("confusion_matrix");
        long[][] want = new long[rows.size()][];
        for (int r = 0; r < rows.size(); r++) {
            want[r] = new long[rows.get(r).size()];
            for (int c = 0; c < want[r].length; c++) {
                want[r][c] = rows.get(r).get(c).asLong();
            }
        }
        assertThat(confusion.matrix()).isDeepEqualTo(want);
    }

    private static void assertNumbers(SegmentationMetrics m, ClassList classes, JsonNode expected) {
        for (int k = 0; k < classes.size(); k++) {
            JsonNode want = expected.get("per_class").get(classes.name(k));
            assertThat(m.iou()[k]).as(classes.name(k) + " IoU").isCloseTo(want.get("iou").asDouble(), EXACT);
            assertThat(m.recall()[k]).as(classes.name(k) + " recall").isCloseTo(want.get("recall").asDouble(), EXACT);
            assertThat(m.precision()[k]).as(classes.name(k) + " precision")
                    .isCloseTo(want.get("precision").asDouble(), EXACT);
        }
        assertThat(m.mIoU()).isCloseTo(expected.get("mIoU").asDouble(), EXACT);
        assertThat(m.mPA()).isCloseTo(expected.get("mPA").asDouble(), EXACT);
        assertThat(m.mPrecision()).isCloseTo(expected.get("mPrecision").asDouble(), EXACT);
        assertThat(m.accuracy()).isCloseTo(expected.get("accuracy").asDouble(), EXACT);
    }

    private static List<String> skippedStems(SegmentationConfusion confusion, List<MaskPair> pairs) {
        List<String> stems = new ArrayList<>();
        for (long i : confusion.skipped()) {
            stems.add(pairs.get((int) i).stem());
        }
        return stems;
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(v -> out.add(v.asText()));
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"seed1", "seed2"})
    void onTheDriverAndInSparkTasksTheMatrixAndNumbersAreTheReferences(String name) throws Exception {
        Path seed = seed(name);
        JsonNode expected = expected(seed);
        SegmentationSources.Inputs in = inputs(seed);
        assertThat(in.classes().names()).isEqualTo(strings(expected.get("classes")));
        assertThat(in.pairs()).hasSize(expected.get("images").asInt());
        int n = in.classes().size();

        SegmentationConfusion local = SegmentationEvaluation.local(in.pairs(), n, STORAGE, TestSpark.pixelLimit(), 3);
        assertMatrix(local, expected);
        assertThat(skippedStems(local, in.pairs())).isEqualTo(strings(expected.get("skipped")));
        assertThat(local.images()).isEqualTo(in.pairs().size() - expected.get("skipped").size());
        assertNumbers(SegmentationMetrics.of(local), in.classes(), expected);

        SegmentationConfusion spark = SegmentationEvaluation.cluster(
                JavaSparkContext.fromSparkContext(TestSpark.session().sparkContext()), in.pairs(), n,
                new HadoopConf(STORAGE.conf()), TestSpark.pixelLimit(), 4);
        assertThat(spark.matrix()).isDeepEqualTo(local.matrix());
        assertThat(spark.skipped()).isEqualTo(local.skipped());
        assertThat(spark.ignoredLabelPixels()).isEqualTo(local.ignoredLabelPixels()).isPositive();
        assertNumbers(SegmentationMetrics.of(spark), in.classes(), expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "cluster"})
    void theJobWritesTheReferencesNumbersAndConfusionMatrix(String mode) throws Exception {
        Path seed = seed("seed1");
        JsonNode expected = expected(seed);
        Path out = tmp.resolve("eval");
        new SegmentationEvalJob(STORAGE, TestSpark::session, 2).run(new SegmentationEvalRequest(seed.toString(),
                seed.resolve("predictions").toString(), out.toString(), null, "val", false, mode, Long.MAX_VALUE, 2,
                TestSpark.pixelLimit()));
        JsonNode m = new ObjectMapper().readTree(out.resolve("metrics.json").toFile()).get("segmentation");
        assertThat(m.get("num_classes").asInt()).isEqualTo(expected.get("num_classes").asInt());
        assertThat(strings(m.get("classes"))).isEqualTo(strings(expected.get("classes")));
        assertThat(m.get("images").asInt()).isEqualTo(expected.get("images").asInt());
        assertThat(strings(m.get("skipped"))).isEqualTo(strings(expected.get("skipped")));
        for (String key : List.of("mIoU", "mPA", "mPrecision", "accuracy")) {
            assertThat(m.get(key).asDouble()).as(key).isCloseTo(expected.get(key).asDouble(), EXACT);
        }
        expected.get("per_class").fields().forEachRemaining(c -> {
            for (String key : List.of("iou", "recall", "precision")) {
                assertThat(m.get("per_class").get(c.getKey()).get(key).asDouble()).as(c.getKey() + " " + key)
                        .isCloseTo(c.getValue().get(key).asDouble(), EXACT);
            }
        });

        List<String> csv = List.of(Files.readString(out.resolve("confusion_matrix.csv")).split("\r\n", -1));
        assertThat(csv.get(0)).isEqualTo(" ," + String.join(",", strings(expected.get("classes"))));
        JsonNode rows = expected.get("confusion_matrix");
        for (int r = 0; r < rows.size(); r++) {
            List<String> cells = new ArrayList<>(List.of(expected.get("classes").get(r).asText()));
            rows.get(r).forEach(v -> cells.add(v.asText()));
            assertThat(csv.get(r + 1)).isEqualTo(String.join(",", cells));
        }
        assertThat(csv).hasSize(rows.size() + 2).endsWith("");
        for (String png : List.of("mIoU.png", "mPA.png", "Recall.png", "Precision.png")) {
            assertThat(javax.imageio.ImageIO.read(out.resolve(png).toFile()).getHeight()).as(png).isGreaterThan(100);
        }
        assertThat(Files.readString(out.resolve("results.txt"))).contains("never-seen")
                .contains(String.format(java.util.Locale.ROOT, "mIoU %.4f", expected.get("mIoU").asDouble()))
                .contains("img_0011");
        assertThat(out.resolve("_SUCCESS")).exists();
    }
}
