package sparkdet.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static sparkdet.cli.MainTest.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sparkdet.cli.MainTest.Result;
import sparkdet.ingest.IngestFormat;

/** ingest's segmentation options on the command line: help, refusals, and synth -> ingest voc-seg. */
class IngestCommandTest {
    @TempDir
    Path tmp;

    @Test
    void helpNamesEveryFormat() {
        Result help = run("ingest", "--help");
        for (IngestFormat f : IngestFormat.values()) {
            assertThat(help.out()).contains("  " + f.label() + ": ");
        }
        assertThat(help.out()).contains("--format voc|voc-seg|coco|lines").contains("[--task detect|segment]")
                .contains("[--binary-mask]");
    }

    @Test
    void segmentationOptionsThatDoNotFitAreUsageErrors() {
        String in = tmp.resolve("in").toString();
        String out = tmp.resolve("out").toString();
        assertRefused(run("ingest", "--format", "voc", "--task", "segment", "--input", in, "--output", out),
                "--task segment reads --format voc-seg or coco, not voc");
        assertRefused(run("ingest", "--format", "voc-seg", "--task", "detect", "--input", in, "--output", out),
                "--format voc-seg holds masks");
        assertRefused(run("ingest", "--format", "coco", "--binary-mask", "--input", in, "--output", out),
                "--binary-mask is for the mask files of --format voc-seg");
        assertRefused(run("ingest", "--format", "coco", "--task", "masks", "--input", in, "--output", out),
                "--task must be detect or segment, not 'masks'");
        assertThat(tmp.resolve("out")).doesNotExist();
    }

    @Test
    void synthesizedMasksIngestWithNoMoreOptions() throws Exception {
        Path shapes = tmp.resolve("shapes");
        Result synth = run("synth", "--out", shapes.toString(), "--images", "10", "--size", "64", "--task", "segment");
        assertThat(synth.code()).as(synth.err()).isZero();
        assertThat(synth.out()).contains("wrote 10 images of 64x64 with their masks");

        Path ds = tmp.resolve("ds");
        Result ingest = run("ingest", "--master", "local[2]", "--format", "voc-seg", "--input", shapes.toString(),
                "--split", "train", "--output", ds.toString());
        assertThat(ingest.code()).as(ingest.err()).isZero();
        assertThat(ingest.out()).contains("images      8").contains("quarantined 0 {}")
                .contains("pixels      {background=").contains("warnings    {}");
        JsonNode stats = new ObjectMapper().readTree(ds.resolve("stats.json").toFile());
        assertThat(stats.get("task").asText()).isEqualTo("segment");
        assertThat(stats.get("pixels_per_class").get("triangle").asLong()).isPositive();
        assertThat(Files.readAllLines(ds.resolve("classes.txt"))).containsExactly("background", "circle", "square",
                "triangle");
    }

    private static void assertRefused(Result r, String message) {
        assertThat(r.code()).as(r.err()).isEqualTo(2);
        assertThat(r.err()).contains(message);
    }
}
