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
}
