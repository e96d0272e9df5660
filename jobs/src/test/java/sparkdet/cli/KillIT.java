package sparkdet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sparkdet.config.Settings;
import sparkdet.data.ClassList;
import sparkdet.io.Storage;
import sparkdet.model.ModelArchive;
import sparkdet.model.ModelSpec;
import sparkdet.synth.ShapesGenerator;
import sparkdet.train.Recipe;

/**
 * kill -9 of every command that writes, as users run them (bin/sparkdet, a JVM each): killed
 * while writing, a command leaves no visible half output and the output it was replacing as it
 * was; the next run succeeds and removes what the killed one left beside the output. A training
 * run killed on the driver goes on with --resume.
 */
class KillIT {
    @TempDir
    static Path tmp;
    private static Path voc;
    private static Path dataset;
    private static Path model;

    @BeforeAll
    static void inputs() throws Exception {
        voc = tmp.resolve("voc");
        ShapesGenerator.generate(voc, 400, 5, 96);
        dataset = tmp.resolve("dataset");
        ok(Launch.sparkdet("ingest", "--master", "local[2]", "--format", "voc", "--input", voc.toString(),
                "--split", "train", "--output", dataset.toString()));
        model = tmp.resolve("model.zip");
        // the default recipe's network, small, with the reference anchors (no boxes to fit them to)
        Recipe recipe = Recipe.of(Settings.load(null, List.of("train.width=0.25", "train.input-size=96")),
                dataset.toString(), model.toString());
        ModelSpec spec = recipe.spec(new ClassList(List.of("circle", "square", "triangle")),
                recipe.family().fit(List::of, recipe.seed()));
        ModelArchive.write(new Storage(new Configuration()), model.toString(), spec, spec.newNetwork());
    }

    @Test
    void synth() throws Exception {
        Path out = previousOutput("synth");
        killedThenRerun(out, stagingHolds(out, "JPEGImages", 20), "classes.txt",
                new String[] {"synth", "--output", out.toString(), "--images", "5000", "--size", "96", "--overwrite"},
                new String[] {"synth", "--output", out.toString(), "--images", "10", "--overwrite"});
    }

    @Test
    void ingest() throws Exception {
        Path out = previousOutput("ingest");
        String[] args = {"ingest", "--master", "local[2]", "--format", "voc", "--input", voc.toString(),
                "--output", out.toString(), "--overwrite"};
        killedThenRerun(out, stagingExists(out), "_SUCCESS", args, args);
    }

    @Test
    void predict() throws Exception {
        Path out = previousOutput("predict");
        String[] args = {"predict", "--master", "local[2]", "--model", model.toString(), "--input",
                voc.resolve("JPEGImages").toString(), "--output", out.toString(), "--draw", "--overwrite"};
        killedThenRerun(out, stagingExists(out), "detections.json", args, args);
    }

    @Test
    void evaluate() throws Exception {
        Path out = previousOutput("evaluate");
        Path detections = Files.writeString(tmp.resolve("detections.json"),
                "[{\"image_id\": -1, \"file_name\": \"000001.jpg\", \"category_id\": 0, \"category_name\": "
                        + "\"circle\", \"bbox\": [1, 2, 30, 40], \"score\": 0.9}]");
        String[] args = {"evaluate", "--master", "local[2]", "--gt", dataset.toString(), "--detections",
                detections.toString(), "--output", out.toString(), "--overwrite"};
        killedThenRerun(out, stagingExists(out), "metrics.json", args, args);
    }

    @Test
    void exportLines() throws Exception {
        Path out = Files.writeString(tmp.resolve("train.txt"), "previous\n");
        String[] args = {"export-lines", "--master", "local[2]", "--input", dataset.toString(), "--output",
                out.toString(), "--overwrite"};
        killedWhile(stagingExists(out), args);
        assertThat(out).as("the file it was replacing").hasContent("previous");
        ok(Launch.sparkdet(args));
        assertThat(Files.readAllLines(out)).hasSize(320);
        assertThat(leftovers(out)).isEmpty();
    }

    @Test
    void trainKilledOnTheDriverResumes() throws Exception {
        Path out = tmp.resolve("train");
        List<String> args = new ArrayList<>(List.of("train", "--master", "local[2]", "--conf",
                Launch.root().resolve("conf/shapes.conf").toString(), "--input", dataset.toString(),
                "--output", out.toString(), "--set", "train.input-size=96", "--set", "train.batch-size=8",
                "--set", "train.epochs=4", "--set", "train.eval-period=2", "--set", "train.save-period=1",
                "--set", "train.val-data=null", "--set", "train.loader-threads=1"));
        Path history = out.resolve("history.csv");
        killedWhile(() -> lines(history) >= 2 && Files.exists(out.resolve("checkpoints/last/_SUCCESS")),
                args.toArray(new String[0]));
        assertThat(out.resolve("checkpoints/last/_SUCCESS")).as("the last checkpoint, whole").exists();
        assertThat(out.resolve("model.zip")).as("written last").doesNotExist();
        args.add("--resume");
        Launch.Run r = Launch.sparkdet(args.toArray(new String[0]));
        ok(r);
        assertThat(Files.readAllLines(history)).as("a header and every epoch once").hasSize(5);
        assertThat(out.resolve("model.zip")).exists();
    }

    /** an existing output with one file the command did not write */
    private static Path previousOutput(String name) throws IOException {
        Path out = Files.createDirectories(tmp.resolve(name));
        Files.writeString(out.resolve("previous.txt"), "previous");
        return out;
    }

    /**
     * the command killed midway over an earlier output, which must be as it was, then run again,
     * which must replace it and remove what the killed run left
     */
    private static void killedThenRerun(Path out, BooleanSupplier midway, String written, String[] killed,
                                        String[] rerun) throws Exception {
        killedWhile(midway, killed);
        assertUntouched(out);
        ok(Launch.sparkdet(rerun));
        assertReplaced(out, written);
    }

    private static void assertUntouched(Path out) throws IOException {
        try (Stream<Path> files = Files.list(out)) {
            assertThat(files).as("the output it was replacing, as it was").containsExactly(out.resolve("previous.txt"));
        }
        assertThat(out.resolve("previous.txt")).hasContent("previous");
        assertThat(leftovers(out)).as("a killed run leaves its staging folder beside the output").isNotEmpty();
    }

    private static void assertReplaced(Path out, String written) throws IOException {
        assertThat(out.resolve(written)).exists();
        assertThat(out.resolve("previous.txt")).doesNotExist();
        assertThat(leftovers(out)).as("the rerun removed what the killed run left").isEmpty();
    }

    /** the hidden siblings of an output: staging folders and files, outputs moved aside */
    private static List<Path> leftovers(Path out) throws IOException {
        try (Stream<Path> siblings = Files.list(out.getParent())) {
            return siblings.filter(p -> p.getFileName().toString().startsWith("." + out.getFileName() + ".")).toList();
        }
    }

    private static BooleanSupplier stagingExists(Path out) {
        return () -> {
            try {
                return !leftovers(out).isEmpty();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
    }

    private static BooleanSupplier stagingHolds(Path out, String folder, int files) {
        return () -> {
            try {
                for (Path staging : leftovers(out)) {
                    Path sub = staging.resolve(folder);
                    if (Files.isDirectory(sub)) {
                        try (Stream<Path> list = Files.list(sub)) {
                            if (list.count() >= files) {
                                return true;
                            }
                        }
                    }
                }
                return false;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
    }

    /** starts the command, and kill -9s it (and anything it started) once it is that far */
    private static void killedWhile(BooleanSupplier midway, String... args) throws Exception {
        Process p = Launch.start(args);
        Thread drain = new Thread(() -> drain(p.getInputStream()));
        drain.start();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (!midway.getAsBoolean()) {
            assertThat(p.isAlive()).as("still running before it got midway: " + String.join(" ", args)).isTrue();
            assertThat(System.nanoTime()).as("midway within five minutes").isLessThan(deadline);
            Thread.sleep(5);
        }
        assertThat(p.isAlive()).as("killed while running").isTrue();
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("killed by SIGKILL").isEqualTo(128 + 9);
        drain.join();
    }

    private static void drain(InputStream in) {
        try (in) {
            in.transferTo(System.out);
        } catch (IOException e) {
            // the stream closes with the killed process
        }
    }

    private static long lines(Path file) {
        try {
            return Files.exists(file) ? Files.readAllLines(file).size() : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    private static void ok(Launch.Run r) {
        assertThat(r.code()).as(r.output()).isZero();
    }
}
