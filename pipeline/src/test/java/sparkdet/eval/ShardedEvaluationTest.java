package sparkdet.eval;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.assertj.core.data.Offset;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sparkdet.data.BoxObject;
import sparkdet.data.ClassList;
import sparkdet.data.ImageRecord;
import sparkdet.ingest.IngestFormat;
import sparkdet.ingest.IngestJob;
import sparkdet.ingest.IngestRequest;
import sparkdet.io.InputUnusableException;
import sparkdet.io.Storage;
import sparkdet.testing.TestData;
import sparkdet.testing.TestSpark;

/**
 * The cluster path (matching in Spark tasks, accumulation where each (class, area) meets) gives
 * the single-machine path's numbers bit for bit, and so the golden ones, whatever the number of
 * shards.
 */
class ShardedEvaluationTest {
    private static final Offset<Double> EXACT = Offset.offset(1e-9);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private Path run(Path gt, Path dt, String mode, int shards, int maxDets, String name) throws Exception {
        Path out = tmp.resolve(name);
        new EvalJob(new Storage(new Configuration()), TestSpark::session).run(new EvalRequest(gt.toString(),
                dt.toString(), out.toString(), "all", 0.5, 0.5, true, false, maxDets, mode, 0, shards));
        return out;
    }

    private static JsonNode metrics(Path out) throws Exception {
        ObjectNode m = (ObjectNode) JSON.readTree(out.resolve("metrics.json").toFile());
        m.remove("timing_s");
        m.remove("mode");
        return m;
    }

    private static void assertSameFiles(Path local, Path cluster) throws Exception {
        assertThat(metrics(cluster)).isEqualTo(metrics(local));
        List<String> files = new java.util.ArrayList<>(List.of("results.txt", "confusion_matrix.csv", "f1_curve.csv",
                "per_image.csv"));
        try (var curves = Files.list(local.resolve("pr_curves"))) {
            curves.map(p -> "pr_curves/" + p.getFileName()).filter(f -> f.endsWith(".csv")).forEach(files::add);
        }
        assertThat(files).hasSizeGreaterThan(4);
        for (String f : files) {
            assertThat(Files.readString(cluster.resolve(f))).as(f).isEqualTo(Files.readString(local.resolve(f)));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"seed1", "seed2", "seed3"})
    void clusterPathGivesTheGoldenNumbersAndTheLocalFiles(String seedName) throws Exception {
        Path seed = TestData.golden().resolve("eval/" + seedName);
        JsonNode expected = JSON.readTree(seed.resolve("expected.json").toFile());
        Path local = run(seed.resolve("gt.json"), seed.resolve("dt.json"), "local", 0, 100, "local");
        Path cluster = run(seed.resolve("gt.json"), seed.resolve("dt.json"), "cluster", 3, 100, "cluster");
        assertThat(JSON.readTree(cluster.resolve("metrics.json").toFile()).get("mode").asText())
                .isEqualTo("cluster (3 shards)");
        JsonNode got = metrics(cluster);
        for (int i = 0; i < 12; i++) {
            assertThat(got.get("coco").get("stats").get(i).asDouble()).as("stats[%d]", i)
                    .isCloseTo(expected.get("coco_bbox").get("stats").get(i).asDouble(), EXACT);
        }
        assertThat(got.get("voc").get("mAP_voc07").asDouble())
                .isCloseTo(expected.get("voc_iou50_plus1").get("mAP_voc07_11pt").asDouble(), EXACT);
        assertSameFiles(local, cluster);

        Path vocLocal = run(seed.resolve("voc"), seed.resolve("voc/detection-results"), "local", 0, 100, "voc-local");
        Path vocCluster = run(seed.resolve("voc"), seed.resolve("voc/detection-results"), "cluster", 2, 100,
                "voc-cluster");
        assertThat(metrics(vocCluster).get("voc").get("mAP_all_point").asDouble())
                .isCloseTo(expected.get("voc_iou50_plus1").get("mAP_all_point").asDouble(), EXACT);
        assertSameFiles(vocLocal, vocCluster);
    }

    @Test
    void equalScoresAcrossShardsAndAnotherMaxDetsKeepTheLocalOrder() throws Exception {
        Path seed = TestData.golden().resolve("eval/seed2");
        ArrayNode dets = (ArrayNode) JSON.readTree(seed.resolve("dt.json").toFile());
        for (JsonNode d : dets) {
            // three score values only: ties everywhere, across images and so across shards
            ((ObjectNode) d).put("score", Math.round(d.get("score").asDouble() * 2) / 2.0);
        }
        Path tied = tmp.resolve("tied.json");
        JSON.writeValue(tied.toFile(), dets);
        Path local = run(seed.resolve("gt.json"), tied, "local", 0, 10, "tied-local");
        Path cluster = run(seed.resolve("gt.json"), tied, "cluster", 4, 10, "tied-cluster");
        assertSameFiles(local, cluster);
        assertThat(metrics(local).get("coco").get("max_dets").asInt()).isEqualTo(10);
        // with at most 10 detections per image AR10 and "AR100" (at maxDets) are the same number
        assertThat(metrics(local).get("coco").get("AR100").asDouble())
                .isEqualTo(metrics(local).get("coco").get("AR10").asDouble());
    }

    /**
     * an ingested dataset as ground truth is read by the tasks, and detections that name their
     * images and classes as predict does (ids that are not the ground truth's) are matched by
     * Spark joins: the same files as the single-machine path, which matches them with maps
     */
    @Test
    void datasetGroundTruthAndDetectionsNamedByFileMatchInTheTasksAsOnOneMachine() throws Exception {
        Path seed = TestData.golden().resolve("eval/seed1");
        Path dataset = tmp.resolve("dataset");
        new IngestJob(TestSpark.session()).run(IngestRequest.of(IngestFormat.COCO, seed.resolve("gt.json").toString(),
                null, null, null, dataset.toString(), false, TestSpark.config()));
        JsonNode gt = JSON.readTree(seed.resolve("gt.json").toFile());
        java.util.Map<Long, String> fileById = new java.util.HashMap<>();
        gt.get("images").forEach(i -> fileById.put(i.get("id").asLong(), i.get("file_name").asText()));
        java.util.Map<Long, String> nameById = new java.util.HashMap<>();
        gt.get("categories").forEach(c -> nameById.put(c.get("id").asLong(), c.get("name").asText()));
        ArrayNode dets = (ArrayNode) JSON.readTree(seed.resolve("dt.json").toFile());
        int n = 0;
        for (JsonNode d : dets) {
            ObjectNode o = (ObjectNode) d;
            String file = fileById.get(o.get("image_id").asLong());
            switch (n++ % 3) {
                case 0 -> { }   // by the ground truth's ids
                case 1 -> o.put("image_id", 900_000 + n).put("file_name", "JPEGImages/" + file);   // by file name
                default -> o.put("image_id", 900_000 + n).put("file_name", file.replace(".jpg", ".png"));   // by stem
            }
            o.put("category_name", nameById.get(o.get("category_id").asLong())).put("category_id", 77);
        }
        Path named = tmp.resolve("named.json");
        JSON.writeValue(named.toFile(), dets);

        Path reference = run(seed.resolve("gt.json"), seed.resolve("dt.json"), "local", 0, 100, "reference");
        Path local = run(dataset, named, "local", 0, 100, "dataset-local");
        Path cluster = run(dataset, named, "cluster", 3, 100, "dataset-cluster");
        assertSameFiles(reference, local);
        assertSameFiles(local, cluster);
        assertThat(metrics(cluster).get("counts").get("detections").asInt()).isEqualTo(dets.size());
    }

    /** the distributed sort that indexes the ground truth finds two images with one COCO id */
    @Test
    void twoGroundTruthImagesWithOneIdAreRefusedInTheTasksToo() {
        List<ImageRecord> images = List.of(image(7, "a.jpg"), image(3, "b.jpg"), image(7, "c.jpg"), image(5, "d.jpg"));
        try (ClusterInputs inputs = new ClusterInputs(
                JavaSparkContext.fromSparkContext(TestSpark.session().sparkContext()), 2)) {
            assertThatThrownBy(() -> inputs.groundTruth(images, new ClassList(List.of("cat")), new long[] {1}))
                    .isInstanceOf(InputUnusableException.class).hasMessageContaining("COCO image id 7");
            assertThat(inputs.groundTruth(images.subList(0, 2), new ClassList(List.of("cat")), new long[] {1}).count())
                    .isEqualTo(2);
        }
    }

    private static ImageRecord image(long id, String file) {
        return new ImageRecord(String.valueOf(id), id, "file:/x/" + file, file, 10, 10, "train", "test",
                List.of(new BoxObject(0, "cat", 1, 1, 1, 5, 5, false, false, false, 16, null)));
    }
}
