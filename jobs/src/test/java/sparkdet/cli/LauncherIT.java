package sparkdet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sparkdet.testing.TestData;

/** bin/sparkdet as users run it: help without a rebuild, a real ingest, a clean failure. */
class LauncherIT {
    @TempDir
    Path tmp;

    private static Launch.Run launch(String... args) throws Exception {
        return Launch.sparkdet(args);
    }

    @Test
    void helpListsTheCommandsWithoutRebuilding() throws Exception {
        Launch.Run r = launch("--help");
        assertThat(r.code()).as(r.output()).isZero();
        assertThat(r.output()).doesNotContain("building the jar")
                .contains("ingest", "export-lines", "synth", "demo", "bench");
    }

    @Test
    void ingestsCocoFromTheShadedJarAndFailsCleanlyOnBadInput() throws Exception {
        Path coco = TestData.require(TestData.LABELME_COCO);
        Path out = tmp.resolve("coco");
        Launch.Run ok = launch("ingest", "--master", "local[2]", "--format", "coco", "--input",
                coco.resolve("annotations.json").toString(), "--images", coco.toString(), "--output", out.toString());
        assertThat(ok.code()).as(ok.output()).isZero();
        assertThat(ok.output()).contains("images      3").contains("objects     12");
        assertThat(Files.readAllLines(out.resolve("classes.txt"))).contains("tv/monitor");
        Path root = Launch.root();
        Path archive = root.resolve("jobs/target/sparkdet.jsa");
        assertThat(archive).as("the class-data archive of the first real command").exists();
        assertThat(Files.getLastModifiedTime(archive)).isGreaterThan(
                Files.getLastModifiedTime(root.resolve("jobs/target/sparkdet.jar")));

        // this start maps the archive: the same result, sooner
        Launch.Run bad = launch("ingest", "--format", "lines", "--input", tmp.resolve("none.txt").toString(),
                "--classes", coco.resolve("annotations.json").toString(), "--output", tmp.resolve("x").toString());
        assertThat(bad.code()).isEqualTo(3);
        assertThat(bad.output()).contains("none.txt");
        assertThat(tmp.resolve("x")).doesNotExist();
    }
}
