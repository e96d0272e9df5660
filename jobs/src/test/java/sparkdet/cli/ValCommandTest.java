package sparkdet.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static sparkdet.cli.MainTest.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sparkdet.cli.MainTest.Result;
import sparkdet.testing.TestData;

/**
 * val as users run it, on synthetic shapes ingested as a dataset and the small (untrained) models
 * of the inference fixtures: its numbers are those of predict with the mAP preset followed by
 * evaluate, exactly, for boxes and for masks.
 */
class ValCommandTest {
    private static final Path FIXTURES = Path.of("../pipeline/src/test/resources/fixtures/infer").toAbsolutePath();
    /** YOLOv4-tiny at 160 px, classes circle, square, triangle */
    private static final Path DETECTOR = FIXTURES.resolve("yolov4_tiny_w025_c3.onnx");
    /** DeepLabv3+ at 64 px, classes background, circle, square, triangle */
    private static final Path SEGMENTER = FIXTURES.resolve("deeplabv3plus_mobilenetv2_w0125_c4.onnx");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private static Result ok(Result r) {
        assertThat(r.code()).as(r.err()).isZero();
        return r;
    }

    @Test
    void boxesScoreAsPredictWithThePresetThenEvaluate() throws Exception {
        Path shapes = tmp.resolve("shapes");
        ok(run("synth", "--out", shapes.toString(), "--images", "8"));
        Path dataset = tmp.resolve("dataset");
        ok(run("ingest", "--master", "local[2]", "--format", "voc", "--input", shapes.toString(), "--classes",
                shapes.resolve("classes.txt").toString(), "--output", dataset.toString()));

        Path val = tmp.resolve("val");
        Result r = ok(run("val", "--master", "local[2]", "--model", DETECTOR.toString(), "--input", dataset.toString(),
                "--output", val.toString()));
        assertThat(r.out()).contains("predicted 8 images (0 could not be read)").contains("COCO        AP ")
                .contains("VOC         mAP@0.5 ").contains("metrics.json");

        // the same by hand: predict with get_map.py's settings, then evaluate what it wrote
        Path predicted = tmp.resolve("predicted");
        ok(run("predict", "--master", "local[2]", "--model", DETECTOR.toString(), "--input", dataset.toString(),
                "--output", predicted.toString(), "--score", "0.001", "--nms-iou", "0.5", "--max-dets", "100"));
        Path evaluated = tmp.resolve("evaluated");
        ok(run("evaluate", "--master", "local[2]", "--gt", dataset.toString(), "--detections", predicted.toString(),
                "--output", evaluated.toString()));

        JsonNode metrics = withoutTiming(val.resolve("metrics.json"));
        assertThat(metrics).isEqualTo(withoutTiming(evaluated.resolve("metrics.json")));
        assertThat(metrics.at("/counts/detections").asLong()).as("an untrained model still finds boxes at 0.001")
                .isGreaterThan(0);
        assertThat(metrics.at("/coco/AP").isNumber()).isTrue();
        assertSameFiles(val, evaluated, "results.txt", "f1_curve.csv", "confusion_matrix.csv", "pr_curves/circle.csv",
                "per_image.csv");
        assertSameFiles(val, predicted, "detections.json");
        assertThat(names(val)).isEqualTo(union(names(predicted), names(evaluated)));

        Result again = run("val", "--master", "local[1]", "--model", DETECTOR.toString(), "--input",
                dataset.toString(), "--output", val.toString());
        assertThat(again.code()).isEqualTo(2);
        assertThat(again.err()).contains("already exists").contains("--overwrite");
        assertThat(withoutTiming(val.resolve("metrics.json"))).isEqualTo(metrics);

        ok(run("val", "--master", "local[1]", "--model", DETECTOR.toString(), "--data", dataset.toString(),
                "--output", val.toString(), "--iou", "0.75", "--overwrite"));
        assertThat(JSON.readTree(val.resolve("metrics.json").toFile()).at("/voc/iou").asDouble()).isEqualTo(0.75);
    }

    @Test
    void masksScoreAsPredictThenEvaluateTaskSegment() throws Exception {
        Path shapes = tmp.resolve("shapes-seg");
        ok(run("synth", "--out", shapes.toString(), "--images", "6", "--size", "64", "--task", "segment"));
        Path dataset = tmp.resolve("dataset-seg");
        ok(run("ingest", "--master", "local[2]", "--format", "voc-seg", "--input", shapes.toString(), "--output",
                dataset.toString()));

        Path val = tmp.resolve("val");
        Result r = ok(run("val", "--master", "local[2]", "--model", SEGMENTER.toString(), "--data",
                dataset.toString(), "--output", val.toString()));
        assertThat(r.out()).contains("predicted 6 images (0 could not be read), 6 masks").contains("segment     mIoU ");

        Path predicted = tmp.resolve("predicted");
        ok(run("predict", "--master", "local[2]", "--model", SEGMENTER.toString(), "--input", dataset.toString(),
                "--output", predicted.toString()));
        Path evaluated = tmp.resolve("evaluated");
        ok(run("evaluate", "--master", "local[2]", "--task", "segment", "--gt", dataset.toString(), "--predictions",
                predicted.toString(), "--output", evaluated.toString()));

        JsonNode metrics = withoutTiming(val.resolve("metrics.json"));
        assertThat(metrics).isEqualTo(withoutTiming(evaluated.resolve("metrics.json")));
        assertThat(metrics.at("/counts/evaluated").asInt()).isEqualTo(6);
        assertSameFiles(val, evaluated, "results.txt", "confusion_matrix.csv");
        assertSameFiles(val, predicted, "masks/000001.png", "masks/000006.png");
        assertThat(names(val)).isEqualTo(union(names(predicted), names(evaluated)));
    }

    @Test
    void whatIsNotAnIngestedDatasetIsRefusedAndNothingIsWritten() throws Exception {
        Path photos = Files.createDirectories(tmp.resolve("photos"));
        Files.copy(TestData.require(TestData.DARKNET.resolve("dog.jpg")), photos.resolve("dog.jpg"));
        Path val = tmp.resolve("val");
        Result notDataset = run("val", "--master", "local[1]", "--model", DETECTOR.toString(), "--input",
                photos.toString(), "--output", val.toString());
        assertThat(notDataset.code()).as(notDataset.err()).isEqualTo(3);
        assertThat(notDataset.err()).contains(photos.toString()).contains("sparkdet ingest");
        assertThat(val).doesNotExist();
        try (var left = Files.list(tmp)) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactly("photos");
        }

        Result both = run("val", "--model", DETECTOR.toString(), "--input", photos.toString(), "--data",
                photos.toString(), "--output", val.toString());
        assertThat(both.code()).isEqualTo(2);
        assertThat(both.err()).contains("--input and --data are the same option");
        Result neither = run("val", "--model", DETECTOR.toString(), "--output", val.toString());
        assertThat(neither.code()).isEqualTo(2);
        assertThat(neither.err()).contains("--input is required");
    }

    /** metrics.json less what differs from run to run */
    private static JsonNode withoutTiming(Path metrics) throws IOException {
        ObjectNode m = (ObjectNode) JSON.readTree(metrics.toFile());
        m.remove("timing_s");
        return m;
    }

    private static void assertSameFiles(Path actual, Path expected, String... names) throws IOException {
        for (String name : names) {
            assertThat(Files.readAllBytes(actual.resolve(name))).as(name)
                    .isEqualTo(Files.readAllBytes(expected.resolve(name)));
        }
    }

    /** the names directly in a folder */
    private static Set<String> names(Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            return new TreeSet<>(files.map(p -> p.getFileName().toString()).toList());
        }
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new TreeSet<>(a);
        all.addAll(b);
        return all;
    }
}
