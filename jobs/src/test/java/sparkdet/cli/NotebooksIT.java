package sparkdet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The notebooks executed top to bottom as CI runs them, `jupyter nbconvert --execute` on Debian's
 * python3 kernel, against the shaded jar through bin/sparkdet. They share one scratch folder
 * ($SPARKDET_NOTEBOOK_OUT), so that the evaluation report finds the quickstart's outputs as it
 * would after a user ran the quickstart. A failing cell fails the test with nbconvert's report:
 * the cell and its traceback.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NotebooksIT {
    /** a cell's limit: the quickstart's training is the longest, about a minute on two cores */
    private static final int CELL_TIMEOUT_S = 900;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path tmp;

    /** @return the executed notebook, after checking that nbconvert ran it to the end */
    private static JsonNode execute(String notebook) throws Exception {
        Path executed = tmp.resolve("executed");
        List<String> cmd = List.of("jupyter", "nbconvert", "--to", "notebook", "--execute",
                "--ExecutePreprocessor.timeout=" + CELL_TIMEOUT_S, "--output-dir", executed.toString(),
                "notebooks/" + notebook);
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(Launch.root().toFile()).redirectErrorStream(true);
        pb.environment().put("SPARKDET_NOTEBOOK_OUT", tmp.resolve("out").toString());
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new IllegalStateException("jupyter is missing: .ci/run installs jupyter-nbconvert, "
                    + "python3-ipykernel, python3-pandas and python3-matplotlib", e);
        }
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as("jupyter nbconvert --execute %s:%n%s", notebook, output).isZero();
        JsonNode nb = JSON.readTree(executed.resolve(notebook).toFile());
        int pictures = 0;
        for (JsonNode cell : nb.get("cells")) {
            for (JsonNode out : cell.path("outputs")) {
                assertThat(out.get("output_type").asText()).as(notebook).isNotEqualTo("error");
                pictures += out.path("data").has("image/png") ? 1 : 0;
            }
        }
        assertThat(pictures).as(notebook + " shows its plots and pictures").isGreaterThanOrEqualTo(3);
        return nb;
    }

    private static String stdout(JsonNode nb) {
        StringBuilder sb = new StringBuilder();
        for (JsonNode cell : nb.get("cells")) {
            for (JsonNode out : cell.path("outputs")) {
                if (out.path("name").asText().equals("stdout")) {
                    out.get("text").forEach(line -> sb.append(line.asText()));
                }
            }
        }
        return sb.toString();
    }

    @Test
    @Order(1)
    void quickstart() throws Exception {
        String printed = stdout(execute("quickstart.ipynb"));
        assertThat(printed).contains("$ bin/sparkdet synth", "$ bin/sparkdet ingest", "$ bin/sparkdet train",
                "$ bin/sparkdet predict", "$ bin/sparkdet evaluate").contains("VOC mAP@0.5");
        assertThat(tmp.resolve("out/quickstart/evaluate/per_image.csv")).isNotEmptyFile();
    }

    @Test
    @Order(2)
    void evaluationReportOnTheQuickstartsOutputs() throws Exception {
        String printed = stdout(execute("evaluation-report.ipynb"));
        assertThat(printed).as("the quickstart's outputs reused").doesNotContain("running quickstart.ipynb")
                .contains("$ bin/sparkdet evaluate", "$ bin/sparkdet show");
    }

    @Test
    @Order(3)
    void datasetExplorer() throws Exception {
        String printed = stdout(execute("dataset-explorer.ipynb"));
        assertThat(printed).contains("quarantined 5");
    }

    @Test
    @Order(4)
    void segmentation() throws Exception {
        String printed = stdout(execute("segmentation.ipynb"));
        assertThat(printed).contains("$ bin/sparkdet evaluate --task segment").contains("mIoU");
    }
}
