package sparkdet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import sparkdet.testing.TestData;

/**
 * The jar on a real standalone cluster (a master and two one-core workers, separate JVMs on
 * 127.0.0.1), started by bin/sparkdet with --master spark://...: the tasks run in the workers'
 * executors and the results are the ones local mode gives.
 */
class ClusterIT {
    @TempDir
    static Path tmp;
    private static StandaloneCluster cluster;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = StandaloneCluster.start(Launch.root(), tmp.resolve("cluster"), 2);
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    /** every executor folder a worker made (app-*&#47;N), each holding that executor's logs */
    private static long executors(int worker) throws Exception {
        try (Stream<Path> apps = Files.list(cluster.workDir(worker))) {
            return apps.filter(Files::isDirectory).flatMap(app -> {
                try {
                    return Files.list(app).filter(Files::isDirectory).toList().stream();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).count();
        }
    }

    @Test
    void evaluateMatchesInTheWorkersExecutorsAndGivesTheGoldenNumbers() throws Exception {
        Path seed = TestData.golden().resolve("eval/seed1");
        Path out = tmp.resolve("eval");
        Launch.Run r = Launch.sparkdet("evaluate", "--master", cluster.masterUrl(), "--mode", "cluster",
                "--gt", seed.resolve("gt.json").toString(), "--detections", seed.resolve("dt.json").toString(),
                "--output", out.toString());
        assertThat(r.code()).as(r.output()).isZero();
        JsonNode m = new ObjectMapper().readTree(out.resolve("metrics.json").toFile());
        JsonNode expected = new ObjectMapper().readTree(seed.resolve("expected.json").toFile());
        assertThat(m.get("mode").asText()).isEqualTo("cluster (2 shards)");
        for (int i = 0; i < 12; i++) {
            assertThat(m.get("coco").get("stats").get(i).asDouble())
                    .isCloseTo(expected.get("coco_bbox").get("stats").get(i).asDouble(), Offset.offset(1e-9));
        }
        assertThat(executors(0)).as("executors on worker 0").isPositive();
        assertThat(executors(1)).as("executors on worker 1").isPositive();
    }

    /**
     * predict spread over both workers: every executor that ran predict tasks loaded the model
     * once, and the boxes are the ones local mode finds
     */
    @Test
    void predictRunsInTheExecutorsLoadingTheModelOnceEach() throws Exception {
        Path model = Launch.root().resolve("pipeline/src/test/resources/fixtures/infer/yolov4_tiny_w025_c3.onnx");
        Path photos = tmp.resolve("photos");
        Files.createDirectories(photos);
        String[] names = {"dog.jpg", "horses.jpg", "person.jpg", "eagle.jpg", "giraffe.jpg", "kite.jpg"};
        for (int i = 0; i < 24; i++) {
            Files.copy(TestData.require(TestData.DARKNET.resolve(names[i % names.length])),
                    photos.resolve(String.format(java.util.Locale.ROOT, "p%02d.jpg", i)));
        }
        Path onCluster = tmp.resolve("predict-cluster");
        Launch.Run r = Launch.sparkdet("predict", "--master", cluster.masterUrl(), "--model", model.toString(),
                "--input", photos.toString(), "--output", onCluster.toString(), "--score", "0.1", "--batch", "4");
        assertThat(r.code()).as(r.output()).isZero();
        assertThat(r.output()).contains("predicted 24 images (0 could not be read)");
        Path local = tmp.resolve("predict-local");
        Launch.Run l = Launch.sparkdet("predict", "--master", "local[2]", "--model", model.toString(),
                "--input", photos.toString(), "--output", local.toString(), "--score", "0.1", "--batch", "4");
        assertThat(l.code()).as(l.output()).isZero();
        for (int i = 0; i < 24; i++) {
            String txt = String.format(java.util.Locale.ROOT, "txt/p%02d.txt", i);
            assertThat(Files.readAllLines(onCluster.resolve(txt))).as(txt)
                    .isEqualTo(Files.readAllLines(local.resolve(txt)));
        }
        int executorsThatPredicted = 0;
        for (int worker = 0; worker < 2; worker++) {
            for (Path log : executorLogs(worker)) {
                String text = Files.readString(log);
                if (text.contains("PredictPartition")) {
                    executorsThatPredicted++;
                    assertThat(text.split("Detectors: loaded", -1).length - 1).as("model loads in " + log).isEqualTo(1);
                }
            }
        }
        assertThat(executorsThatPredicted).as("executors that ran predict tasks").isEqualTo(2);
    }

    /** the stderr of every executor a worker started */
    private static java.util.List<Path> executorLogs(int worker) throws Exception {
        try (Stream<Path> files = Files.walk(cluster.workDir(worker))) {
            return files.filter(p -> p.getFileName().toString().equals("stderr")).toList();
        }
    }

    /** a small shapes dataset, train and val, ingested in local mode */
    private static Path shapes() throws Exception {
        Path dir = tmp.resolve("shapes");
        if (Files.exists(dir.resolve("val/_SUCCESS"))) {
            return dir;
        }
        assertThat(Launch.sparkdet("synth", "--output", dir.resolve("voc").toString(), "--images", "40", "--seed", "3",
                "--size", "96").code()).isZero();
        for (String split : new String[] {"train", "val"}) {
            Launch.Run r = Launch.sparkdet("ingest", "--master", "local[2]", "--format", "voc", "--input",
                    dir.resolve("voc").toString(), "--split", split, "--output", dir.resolve(split).toString());
            assertThat(r.code()).as(r.output()).isZero();
        }
        return dir;
    }

    /** the same kind of shapes with their masks, ingested as a segmentation dataset in local mode */
    private static Path segmentationShapes() throws Exception {
        Path dir = tmp.resolve("shapes-seg");
        if (Files.exists(dir.resolve("val/_SUCCESS"))) {
            return dir;
        }
        assertThat(Launch.sparkdet("synth", "--output", dir.resolve("voc").toString(), "--images", "40", "--seed", "3",
                "--size", "96", "--task", "segment").code()).isZero();
        for (String split : new String[] {"train", "val"}) {
            Launch.Run r = Launch.sparkdet("ingest", "--master", "local[2]", "--format", "voc-seg", "--input",
                    dir.resolve("voc").toString(), "--split", split, "--output", dir.resolve(split).toString());
            assertThat(r.code()).as(r.output()).isZero();
        }
        return dir;
    }

    private static String[] train(Path data, Path out, int epochs, String... more) {
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("train", "--master",
                cluster.masterUrl(), "--conf", Launch.root().resolve("conf/shapes.conf").toString(),
                "--input", data.resolve("train").toString(), "--val-data", data.resolve("val").toString(),
                "--output", out.toString(), "--set", "train.workers=2", "--set", "train.input-size=96",
                "--set", "train.batch-size=4", "--set", "train.epochs=" + epochs, "--set", "train.eval-period=2",
                "--set", "train.save-period=1", "--set", "train.loader-threads=1",
                "--set", "train.collective-timeout=60s"));
        for (String m : more) {
            args.addAll(java.util.List.of("--set", m));
        }
        return args.toArray(new String[0]);
    }

    /**
     * the default family, the anchor-free YOLOX with the weight average, and a segmentation family
     * on masks (validated by mIoU), through the same barrier stage
     */
    @ParameterizedTest
    @ValueSource(strings = {"train.model=yolov4-tiny",
        "train.model=yolox train.variant=nano train.width=0.25 train.ema=true",
        "train.model=deeplabv3plus train.variant=mobilenetv2 train.width=1.0"})
    void twoRanksInTwoExecutorsTrainToIdenticalWeights(String family) throws Exception {
        Path out = tmp.resolve("train2-" + family.hashCode());
        Path data = family.contains("deeplabv3plus") ? segmentationShapes() : shapes();
        Launch.Run r = Launch.sparkdet(train(data, out, 3, family.split(" ")));
        assertThat(r.code()).as(r.output()).isZero();
        assertThat(r.output()).contains("2 rank(s)").contains("parameters identical on all ranks: yes")
                .containsPattern("rank 0: [1-9]\\d* steps").containsPattern("rank 1: [1-9]\\d* steps");
        java.util.List<String> history = Files.readAllLines(out.resolve("history.csv"));
        assertThat(history).hasSize(4);
        assertThat(Double.parseDouble(history.get(3).split(",")[2]))
                .isLessThan(Double.parseDouble(history.get(1).split(",")[2]));
        assertThat(out.resolve("model.zip")).exists();
    }

    @Test
    void aKilledExecutorCostsARetryFromTheLastCheckpoint() throws Exception {
        Path out = tmp.resolve("train-killed");
        Path data = shapes();
        java.util.concurrent.CompletableFuture<Launch.Run> run = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> {
                    try {
                        return Launch.sparkdet(train(data, out, 6));
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
        Path history = out.resolve("history.csv");
        long deadline = System.currentTimeMillis() + 300_000;
        while (!(Files.exists(history) && Files.readAllLines(history).size() >= 3)) {
            assertThat(System.currentTimeMillis()).as("two epochs within five minutes").isLessThan(deadline);
            assertThat(run).as("the run is still going").isNotDone();
            Thread.sleep(200);
        }
        assertThat(cluster.killAnExecutor()).as("an executor to kill").isTrue();
        Launch.Run r = run.get(10, java.util.concurrent.TimeUnit.MINUTES);
        assertThat(r.code()).as(r.output()).isZero();
        assertThat(Files.readAllLines(history)).as("every epoch once").hasSize(7);
        assertThat(r.output()).contains("parameters identical on all ranks: yes");
    }
}
