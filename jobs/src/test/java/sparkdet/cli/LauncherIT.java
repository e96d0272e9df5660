package sparkdet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sparkdet.testing.TestData;

/** bin/sparkdet as users run it: a new JVM on the shaded jar, with the launcher's flags. */
class LauncherIT {
    @TempDir
    Path tmp;

    private record Run(int code, String output) {
    }

    private static Run launch(String... args) throws Exception {
        Path root = Path.of(System.getProperty("sparkdet.root", "..")).toAbsolutePath().normalize();
        List<String> cmd = new ArrayList<>(List.of(root.resolve("bin/sparkdet").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("SPARKDET_JAVA_OPTS", "-Xmx1g -XX:+UseParallelGC");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), out);
    }

    @Test
    void helpListsTheCommandsWithoutRebuilding() throws Exception {
        Run r = launch("--help");
        assertThat(r.code()).as(r.output()).isZero();
        assertThat(r.output()).doesNotContain("building the jar")
                .contains("ingest", "export-lines", "synth", "demo", "bench");
    }

    @Test
    void ingestsCocoFromTheShadedJarAndFailsCleanlyOnBadInput() throws Exception {
        Path coco = TestData.require(TestData.LABELME_COCO);
        Path out = tmp.resolve("coco");
        Run ok = launch("ingest", "--master", "local[2]", "--format", "coco", "--input",
                coco.resolve("annotations.json").toString(), "--images", coco.toString(), "--output", out.toString());
        assertThat(ok.code()).as(ok.output()).isZero();
        assertThat(ok.output()).contains("images      3").contains("objects     12");
        assertThat(Files.readAllLines(out.resolve("classes.txt"))).contains("tv/monitor");
        Path root = Path.of(System.getProperty("sparkdet.root", "..")).toAbsolutePath().normalize();
        Path archive = root.resolve("jobs/target/sparkdet.jsa");
        assertThat(archive).as("the class-data archive of the first real command").exists();
        assertThat(Files.getLastModifiedTime(archive)).isGreaterThan(
                Files.getLastModifiedTime(root.resolve("jobs/target/sparkdet.jar")));

        // this start maps the archive: the same result, sooner
        Run bad = launch("ingest", "--format", "lines", "--input", tmp.resolve("none.txt").toString(),
                "--classes", coco.resolve("annotations.json").toString(), "--output", tmp.resolve("x").toString());
        assertThat(bad.code()).isEqualTo(3);
        assertThat(bad.output()).contains("none.txt");
        assertThat(tmp.resolve("x")).doesNotExist();
    }
}
