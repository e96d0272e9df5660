package sparkdet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import sparkdet.testing.TestData;

/** The command line as users meet it: help, exit codes, messages, and real runs in local mode. */
class MainTest {
    @TempDir
    Path tmp;

    record Result(int code, String out, String err) {
    }

    /** a command line run as a user would, its exit code and what it printed (other command tests use it too) */
    static Result run(String... argv) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(argv, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** the help texts against the options: CommandHelpTest */
    @Test
    void everyCommandHasHelp() {
        Result overview = run("--help");
        assertThat(overview.code()).isZero();
        for (String name : Main.COMMANDS.keySet()) {
            assertThat(overview.out()).contains("  " + name + " ");
            Result help = run(name, "--help");
            assertThat(help.code()).isZero();
            assertThat(help.out()).startsWith("usage: sparkdet " + name);
        }
    }

    @Test
    void usageErrorsExitWithTwo() {
        assertThat(run().code()).isEqualTo(2);
        Result unknown = run("frobnicate");
        assertThat(unknown.code()).isEqualTo(2);
        assertThat(unknown.err()).contains("unknown command 'frobnicate'");
        Result option = run("ingest", "--format", "voc", "--inptu", "x");
        assertThat(option.code()).isEqualTo(2);
        assertThat(option.err()).contains("unknown option --inptu");
        Result missing = run("ingest", "--format", "voc", "--input", "x");
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).contains("--output is required");
        Result format = run("ingest", "--format", "yolo", "--input", "x", "--output", "y");
        assertThat(format.code()).isEqualTo(2);
        assertThat(format.err()).contains("voc, voc-seg, coco or lines");
        Result maxDets = run("evaluate", "--gt", "g", "--detections", "d", "--output", "o", "--ap-max-dets", "5");
        assertThat(maxDets.code()).isEqualTo(2);
        assertThat(maxDets.err()).contains("--ap-max-dets must be at least 10, not 5");
        // evaluate's old spelling of --ap-max-dets
        assertThat(run("evaluate", "--gt", "g", "--detections", "d", "--output", "o", "--max-dets", "5").err())
                .contains("--ap-max-dets must be at least 10, not 5");
        Result mode = run("evaluate", "--gt", "g", "--detections", "d", "--output", "o", "--mode", "yarn");
        assertThat(mode.code()).isEqualTo(2);
        assertThat(mode.err()).contains("--mode must be auto, local or cluster, not 'yarn'");
    }

    @Test
    void unusableInputExitsWithThreeAndWritesNothing() {
        Path out = tmp.resolve("ds");
        Result r = run("ingest", "--master", "local[1]", "--format", "coco", "--input", tmp.resolve("nope.json").toString(),
                "--output", out.toString());
        assertThat(r.code()).isEqualTo(3);
        assertThat(r.err()).contains("nope.json").contains("is not a file");
        assertThat(out).doesNotExist();
    }

    @Test
    void ingestThenRefuseToOverwriteThenOverwrite() throws Exception {
        Path voc = TestData.require(TestData.LABELME_VOC);
        Path out = tmp.resolve("ds");
        String[] argv = {"ingest", "--master", "local[2]", "--format", "voc", "--input", voc.toString(),
            "--output", out.toString(), "--set", "ingest.clip-tolerance=0.1"};
        Result first = run(argv);
        assertThat(first.code()).as(first.err()).isZero();
        assertThat(first.out()).contains("images      3").contains("objects     9");
        Result again = run(argv);
        assertThat(again.code()).isEqualTo(2);
        assertThat(again.err()).contains("already exists").contains("--overwrite");
        String[] overwrite = java.util.Arrays.copyOf(argv, argv.length + 1);
        overwrite[argv.length] = "--overwrite";
        assertThat(run(overwrite).code()).isZero();
        assertThat(out.resolve("_SUCCESS")).exists();

        Path lines = tmp.resolve("lines.txt");
        // --dataset: the old spelling of --input
        Result export = run("export-lines", "--master", "local[1]", "--dataset", out.toString(), "--output", lines.toString());
        assertThat(export.code()).as(export.err()).isZero();
        assertThat(Files.readAllLines(lines)).hasSize(3);
    }

    /**
     * the throughput benchmark runs both layouts and both phases of the family asked for (an
     * anchor-based, the anchor-free one and a segmentation family on masks), and its two workers
     * really train
     */
    @ParameterizedTest
    @CsvSource({"yolov5, n", "yolox, nano", "deeplabv3plus, mobilenetv2"})
    void trainBenchmarkReportsBothLayoutsAndPhases(String model, String variant) {
        Result r = run("bench", "--master", "local[2]", "--job", "train", "--model", model, "--variant", variant,
                "--images", "12", "--size", "64", "--width", "0.25", "--batch", "2", "--classes", "5");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("bench train: " + model + " " + variant
                + " width 0.25, 5 classes, 64x64, batch 2 per worker");
        List<String> lines = r.out().lines().filter(l -> l.contains("images/s")).toList();
        assertThat(lines).hasSize(4);
        assertThat(lines.get(0)).startsWith("1 worker(s) x 2 thread(s), frozen");
        assertThat(lines.get(1)).startsWith("1 worker(s) x 2 thread(s), unfrozen");
        assertThat(lines.get(2)).startsWith("2 worker(s) x 1 thread(s), frozen");
        assertThat(lines.get(3)).startsWith("2 worker(s) x 1 thread(s), unfrozen").doesNotContain("all-reduce  0.0%");
    }

    /**
     * bench --job predict with another family, a detector and a segmentation network: its network,
     * the network-alone rates, the predict rate
     */
    @ParameterizedTest
    @CsvSource({"yolov3, darknet53, 0.0625, 0.06", "deeplabv3plus, mobilenetv2, 0.25, 0.25"})
    void benchPredictMeasuresAnyFamily(String model, String variant, String width, String printed) {
        Result r = run("bench", "--master", "local[2]", "--job", "predict", "--model", model, "--width", width,
                "--size", "64", "--images", "8", "--batch", "4");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("bench predict: " + model + " " + variant + " width " + printed
                + ", 64x64, 80 classes, 8 photos, batch 4");
        assertThat(r.out().lines().filter(l -> l.startsWith("network") && l.contains("images/s at batch"))).hasSize(2);
        for (String file : List.of("model.zip", "model.onnx", "model.pt")) {
            assertThat(r.out().lines().filter(l -> l.startsWith(file) && l.contains("images/s over 8"))).hasSize(1);
            assertThat(r.out().lines().filter(l -> l.startsWith(file) && l.contains("detect path"))).hasSize(1);
        }
    }

    @Test
    void demoSynthesizesIngestsAndTrains() throws Exception {
        Path out = tmp.resolve("demo");
        Result r = run("demo", "--master", "local[2]", "--output", out.toString(), "--images", "25", "--epochs", "2");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("synthesized 25 images").contains("the train split: 20 images")
                .contains("the val split: 5 images").contains("2 epochs").contains("look at:");
        assertThat(out.resolve("dataset-train/stats.json")).exists();
        assertThat(Files.readAllLines(out.resolve("dataset-train/classes.txt")))
                .containsExactly("circle", "square", "triangle");
        assertThat(out.resolve("train/model.zip")).exists();
        assertThat(Files.readAllLines(out.resolve("train/history.csv"))).hasSize(3);
        assertThat(r.out()).contains("predicted the 5 held-out images").contains("VOC         mAP@0.5")
                .contains("demo done in");
        try (var drawn = Files.list(out.resolve("predict/images"))) {
            assertThat(drawn.count()).isEqualTo(5);
        }
        assertThat(out.resolve("evaluate/metrics.json")).exists();
        assertThat(out.resolve("predict-all/detections.json")).exists();
        // the folder is the demo's own: the next demo replaces it without being asked (--out: the old --output)
        Result again = run("demo", "--master", "local[2]", "--out", out.toString(), "--images", "10", "--epochs", "1");
        assertThat(again.code()).as(again.err()).isZero();
        assertThat(again.out()).contains("replacing " + out.toAbsolutePath()).contains("synthesized 10 images");
        assertThat(Files.readAllLines(out.resolve("train/history.csv"))).hasSize(2);
    }

    @Test
    void demoOfTheSegmentationChain() throws Exception {
        Path out = tmp.resolve("demo-segment");
        Result r = run("demo", "--task", "segment", "--master", "local[2]", "--output", out.toString(), "--images", "25",
                "--epochs", "1");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("the train split: 20 images with masks").contains("conf/shapes-seg.conf")
                .contains("best validation mIoU").contains("predicted the 5 held-out images' masks")
                .contains("segment     mIoU").contains("demo done in");
        assertThat(Files.readAllLines(out.resolve("dataset-train/classes.txt")))
                .containsExactly("background", "circle", "square", "triangle");
        assertThat(Files.readAllLines(out.resolve("train/history.csv")).get(0)).contains("val_mIoU");
        try (var overlays = Files.list(out.resolve("predict/overlays"))) {
            assertThat(overlays.count()).isEqualTo(5);
        }
        assertThat(out.resolve("evaluate/confusion_matrix.csv")).exists();
        assertRefused(run("demo", "--task", "boxes", "--output", tmp.resolve("demo-x").toString()), "detect or segment");
    }

    /**
     * Every command that writes refuses an existing non-empty output unless --overwrite (train:
     * --resume or --overwrite), and an
     * output that is or holds what it reads even with --overwrite (exit 2); what was there stays.
     * predict once deleted the photo folder named as its output.
     */
    @Test
    void noCommandReplacesItsInputOrAnOutputItWasNotToldToReplace() throws Exception {
        Path run = Files.createDirectories(tmp.resolve("guard/run"));
        Path fixtures = Path.of("../pipeline/src/test/resources/fixtures/infer").toAbsolutePath();
        for (String f : List.of("yolov4_tiny_w025_c3.onnx", "yolov4_tiny_w025_c3.onnx.conf")) {
            Files.copy(fixtures.resolve(f), run.resolve(f));
        }
        String model = run.resolve("yolov4_tiny_w025_c3.onnx").toString();
        Files.writeString(run.resolve("history.csv"), "epoch\n");
        Path photos = Files.createDirectories(tmp.resolve("guard/photos"));
        Files.copy(TestData.require(TestData.DARKNET.resolve("dog.jpg")), photos.resolve("dog.jpg"));
        Path voc = copyTree(TestData.require(TestData.LABELME_VOC), tmp.resolve("guard/voc"));
        Path unrelated = Files.createDirectories(tmp.resolve("guard/unrelated"));
        Files.writeString(unrelated.resolve("notes.txt"), "mine");

        assertRefused(run("predict", "--model", model, "--input", photos.toString(), "--output", photos.toString(),
                "--overwrite"), "holds the input");
        assertRefused(run("predict", "--model", model, "--input", photos.toString(), "--output", run.toString(),
                "--overwrite"), "holds the input");
        assertRefused(run("predict", "--model", model, "--input", photos.toString(), "--output", unrelated.toString()),
                "already exists");
        assertRefused(run("ingest", "--format", "voc", "--input", voc.toString(), "--output", voc.toString(),
                "--overwrite"), "holds the input");
        assertRefused(run("evaluate", "--gt", voc.toString(), "--detections", photos.toString(), "--output",
                photos.toString(), "--overwrite"), "holds the input");
        assertRefused(run("export-lines", "--input", voc.toString(), "--output", voc.toString(), "--overwrite"),
                "holds the input");
        assertRefused(run("train", "--conf", "../conf/shapes.conf", "--input", voc.toString(), "--output", run.toString(),
                "--set", "train.pretrained=" + model, "--overwrite"), "holds the input");
        // --data: train's old spelling of --input
        assertRefused(run("train", "--conf", "../conf/shapes.conf", "--data", voc.toString(), "--output", voc.toString(),
                "--overwrite"), "holds the input");
        assertRefused(run("train", "--conf", "../conf/shapes.conf", "--input", voc.toString(), "--output",
                unrelated.toString()), "--resume continues that run, --overwrite starts over");
        Path clip = Files.copy(TestData.require(Path.of("/usr/share/doc/opencv-doc/examples/data/vtest.avi")),
                tmp.resolve("guard/clip.avi"));
        long clipBytes = Files.size(clip);
        assertRefused(run("video", "--model", model, "--input", clip.toString(), "--output", clip.toString(),
                "--overwrite"), "holds the input");
        assertThat(Files.size(clip)).isEqualTo(clipBytes);
        assertRefused(run("video", "--model", model, "--input", clip.toString(), "--output",
                unrelated.resolve("notes.txt").toString()), "already exists");
        assertRefused(run("demo", "--output", unrelated.toString()), "already exists");
        assertRefused(run("synth", "--output", unrelated.toString()), "already exists");

        assertThat(photos.resolve("dog.jpg")).exists();
        assertThat(run.resolve("history.csv")).exists();
        assertThat(Path.of(model)).exists();
        assertThat(voc.resolve("Annotations")).isDirectory();
        assertThat(unrelated.resolve("notes.txt")).hasContent("mine");
        try (var left = Files.list(unrelated)) {
            assertThat(left).hasSize(1);
        }
        // asked to, predict replaces an unrelated folder, and says so
        Result replaced = run("predict", "--master", "local[1]", "--model", model, "--input", photos.toString(),
                "--output", unrelated.toString(), "--overwrite");
        assertThat(replaced.code()).as(replaced.err()).isZero();
        assertThat(unrelated.resolve("detections.json")).exists();
        assertThat(unrelated.resolve("notes.txt")).doesNotExist();
    }

    private static void assertRefused(Result r, String why) {
        assertThat(r.code()).as(r.err()).isEqualTo(2);
        assertThat(r.err()).contains(why);
    }

    /** a copy of a folder and all below it */
    static Path copyTree(Path from, Path to) throws java.io.IOException {
        try (var files = Files.walk(from)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target);
                }
            }
        }
        return to;
    }

    @Test
    void predictFpsAndVideoFromTheCommandLine() throws Exception {
        Path model = Path.of("../pipeline/src/test/resources/fixtures/infer/yolov4_tiny_w025_c3.onnx").toAbsolutePath();
        Path photos = tmp.resolve("photos");
        Files.createDirectories(photos);
        for (String name : List.of("dog.jpg", "horses.jpg")) {
            Files.copy(TestData.require(TestData.DARKNET.resolve(name)), photos.resolve(name));
        }
        Path out = tmp.resolve("predicted");
        Result p = run("predict", "--master", "local[2]", "--model", model.toString(), "--input", photos.toString(),
                "--output", out.toString(), "--score", "0.1", "--draw");
        assertThat(p.code()).as(p.err()).isZero();
        assertThat(p.out()).contains("predicted 2 images (0 could not be read)").contains("images/");
        assertThat(out.resolve("images/dog.jpg")).exists();
        assertThat(out.resolve("txt/horses.txt")).exists();

        Result fps = run("fps", "--model", model.toString(), "--input", photos.resolve("dog.jpg").toString(), "--runs",
                "5", "--warmup", "1");
        assertThat(fps.code()).as(fps.err()).isZero();
        assertThat(fps.out()).containsPattern("detect path +[0-9.]+ FPS +mean +[0-9.]+ ms +p50 +[0-9.]+ ms +p95")
                .containsPattern("network only +[0-9.]+ FPS");
        // --image: fps's old spelling of --input
        assertRefused(run("fps", "--model", model.toString(), "--image", photos.resolve("cat.jpg").toString()),
                "--input " + photos.resolve("cat.jpg") + " is not a file");

        Path video = tmp.resolve("drawn.mp4");
        Result v = run("video", "--model", model.toString(), "--input",
                TestData.require(Path.of("/usr/share/doc/opencv-doc/examples/data/vtest.avi")).toString(), "--output",
                video.toString(), "--max-frames", "12");
        assertThat(v.code()).as(v.err()).isZero();
        assertThat(v.out()).startsWith("12 frames (768x576 at 10.00 fps)");
        assertThat(video).isRegularFile();

        Result camera = run("video", "--model", model.toString(), "--input", "camera:42", "--output",
                tmp.resolve("c.mp4").toString());
        assertThat(camera.code()).isEqualTo(3);
        assertThat(camera.err()).contains("camera 42");
        Result badScore = run("predict", "--model", model.toString(), "--input", photos.toString(), "--output",
                out.toString(), "--score", "1.5");
        assertThat(badScore.code()).isEqualTo(2);
        assertThat(badScore.err()).contains("score in [0, 1]");
    }

    /**
     * Every model reader's refusal is exit 3 with one line naming the file, not exit 1 with a stack
     * trace (nor 2 for a random .onnx): random bytes as ONNX and TorchScript, a truncated .pth, a
     * sidecar whose classes file is missing, a model.zip whose directory lies. On local[2,4] (four
     * tries per task) the model is refused on the driver before any task: one line, not four
     * failures wrapped in Spark's "Job aborted".
     */
    @Test
    void everyUnusableModelExitsWithThreeInOneLine() throws Exception {
        Path fixtures = Path.of("../pipeline/src/test/resources/fixtures/infer").toAbsolutePath();
        Path models = Files.createDirectories(tmp.resolve("models"));
        byte[] random = new byte[4096];
        new java.util.Random(12).nextBytes(random);
        String sidecar = Files.readString(fixtures.resolve("yolov4_tiny_w025_c3.pt.conf"));
        Files.write(models.resolve("random.onnx"), random);
        Files.copy(fixtures.resolve("yolov4_tiny_w025_c3.onnx.conf"), models.resolve("random.onnx.conf"));
        Files.write(models.resolve("random.pt"), random);
        Files.writeString(models.resolve("random.pt.conf"), sidecar);
        byte[] pth = Files.readAllBytes(Path.of("../pipeline/src/test/resources/fixtures/yolov4_tiny_w025_c3.pth"));
        Files.write(models.resolve("truncated.pth"), java.util.Arrays.copyOf(pth, pth.length / 2));
        Files.writeString(models.resolve("truncated.pth.conf"), sidecar + "width = 0.25\n");
        Files.write(models.resolve("unlabelled.pth"), pth);
        Files.writeString(models.resolve("unlabelled.pth.conf"), sidecar.replaceAll("classes = .*",
                "classes-file = labels.txt") + "width = 0.25\n");
        byte[] zip = java.util.Arrays.copyOf(random, 512);
        zip[0] = 'P';
        zip[1] = 'K';
        zip[2] = 3;
        zip[3] = 4;
        Files.write(models.resolve("model.zip"), zip);
        Path photos = Files.createDirectories(tmp.resolve("photos"));
        Files.copy(TestData.require(TestData.DARKNET.resolve("dog.jpg")), photos.resolve("dog.jpg"));

        for (String model : List.of("random.onnx", "random.pt", "truncated.pth", "unlabelled.pth", "model.zip")) {
            Path out = tmp.resolve("out-" + model);
            Result r = run("predict", "--master", "local[2,4]", "--model", models.resolve(model).toString(),
                    "--input", photos.toString(), "--output", out.toString(), "--device", "cpu");
            assertThat(r.code()).as(model + ": " + r.err()).isEqualTo(3);
            assertThat(r.err().strip()).as(model).startsWith("sparkdet predict: ").contains(model)
                    .doesNotContain("\n").doesNotContain("internal error").doesNotContain("Job aborted");
            assertThat(out).doesNotExist();
        }
        Result cap = run("predict", "--master", "local[1]", "--model", fixtures.resolve("yolov4_tiny_w025_c3.onnx")
                .toString(), "--input", photos.toString(), "--output", tmp.resolve("capped").toString(), "--set",
                "models.max-bytes=1k");
        assertThat(cap.code()).as(cap.err()).isEqualTo(3);
        assertThat(cap.err()).contains("more than the 1024 allowed (models.max-bytes)");
    }

    /**
     * An input fault found inside a Spark task reaches the driver wrapped in Spark's exceptions (and
     * tried spark.task.maxFailures times, which is why model files are checked on the driver first):
     * Main finds it in the cause chain and exits 3 with its line.
     */
    @Test
    void anInputFaultInsideASparkTaskIsExitThree() {
        org.apache.spark.sql.SparkSession spark = org.apache.spark.sql.SparkSession.builder().master("local[2,4]")
                .appName("wrapped").config("spark.ui.enabled", "false").getOrCreate();
        try {
            Exception wrapped = org.assertj.core.api.Assertions.catchThrowableOfType(() ->
                    new org.apache.spark.api.java.JavaSparkContext(spark.sparkContext())
                            .parallelize(List.of(1, 2), 2).foreach(i -> {
                                throw new sparkdet.io.InputUnusableException("bad.pth: not a torch.save file");
                            }), org.apache.spark.SparkException.class);
            assertThat(wrapped).isNotInstanceOf(sparkdet.io.InputUnusableException.class);
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int code = Main.failed("predict", wrapped, new PrintStream(err, true, StandardCharsets.UTF_8));
            assertThat(code).isEqualTo(3);
            assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("sparkdet predict: bad.pth: not a torch.save file"
                    + System.lineSeparator());
        } finally {
            spark.stop();
        }
    }
}
