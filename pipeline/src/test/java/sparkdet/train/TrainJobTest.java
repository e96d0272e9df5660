package sparkdet.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import sparkdet.model.ModelFiles;
import sparkdet.config.Settings;
import sparkdet.ingest.IngestFormat;
import sparkdet.ingest.IngestJob;
import sparkdet.ingest.IngestRequest;
import sparkdet.io.Storage;
import sparkdet.model.ModelArchive;
import sparkdet.model.Weights;
import sparkdet.model.Network;
import sparkdet.image.ImageDecoder;
import sparkdet.image.RgbImage;
import sparkdet.infer.DetectOptions;
import sparkdet.infer.Detector;
import sparkdet.infer.Detectors;
import sparkdet.model.RawOutputs;
import sparkdet.models.yolo.AnchorOptions;
import sparkdet.postprocess.Detection;
import sparkdet.synth.ShapesGenerator;
import sparkdet.testing.TestSpark;

/**
 * train end to end in local mode on a few synthetic images: the files a run leaves, the loss
 * falling, exact resume, and the recipe's guard rails. Learning to a useful mAP is the
 * benchmark's job (bench/learning-parity.sh), not a unit test's.
 */
class TrainJobTest {
    @TempDir
    static Path tmp;
    private static String trainSet;
    private static String valSet;

    @BeforeAll
    static void data() throws Exception {
        Path voc = tmp.resolve("voc");
        ShapesGenerator.generate(voc, 30, 5, 96);
        trainSet = tmp.resolve("train-set").toString();
        valSet = tmp.resolve("val-set").toString();
        for (String[] split : new String[][] {{"train", trainSet}, {"val", valSet}}) {
            new IngestJob(TestSpark.session()).run(IngestRequest.of(IngestFormat.VOC, voc.toString(), null, split[0],
                    voc.resolve("classes.txt").toString(), split[1], false, TestSpark.config()));
        }
    }

    private static Recipe recipe(String output, int epochs, String... more) {
        List<String> sets = new ArrayList<>(List.of("spark.master=local[2]", "train.width=0.25",
                "train.input-size=96", "train.epochs=" + epochs, "train.freeze-epochs=1", "train.batch-size=4",
                "train.freeze-batch-size=4", "train.eval-period=1", "train.save-period=2", "train.optimizer=adam",
                "train.lr=0.01", "train.warmup-epochs=0", "train.loader-threads=1"));
        sets.addAll(List.of(more));
        Config c = Settings.load(null, sets);
        return Recipe.of(c, trainSet, output).withValData(valSet);
    }

    @Test
    void aRunLeavesModelCheckpointsHistoryAndPlotsAndResumesExactly() throws Exception {
        String straight = tmp.resolve("straight").toString();
        TrainJob.Summary four = new TrainJob(TestSpark.session()).run(recipe(straight, 4), false, false);
        assertThat(four.ranks()).hasSize(1);
        assertThat(four.ranks().get(0).steps()).isEqualTo(4 * (24 / 4));
        List<EpochTiming> timings = four.ranks().get(0).timings();
        assertThat(timings).extracting(EpochTiming::epoch).containsExactly(1, 2, 3, 4);
        assertThat(timings).extracting(EpochTiming::frozen).containsExactly(true, false, false, false);
        for (EpochTiming t : timings) {
            assertThat(t.images()).isEqualTo(24);
            assertThat(t.forward()).isPositive();
            assertThat(t.backward()).isPositive();
            assertThat(t.load() + t.forward() + t.backward() + t.allReduce() + t.update()).isLessThanOrEqualTo(t.seconds());
        }
        Path out = Path.of(straight);
        for (String f : List.of("model.zip", "history.csv", "loss.png", "map.png", "checkpoints/last/_SUCCESS",
                "checkpoints/best/_SUCCESS", "checkpoints/epoch-0002/weights.pt", "checkpoints/epoch-0004/optimizer.pt")) {
            assertThat(out.resolve(f)).as(f).exists();
        }
        List<String> history = Files.readAllLines(out.resolve("history.csv"));
        assertThat(history.get(0)).isEqualTo(ValidationMetric.MAP50.header());
        assertThat(history).hasSize(5);
        assertThat(history.get(1)).startsWith("1,frozen,");
        assertThat(history.get(4)).startsWith("4,unfrozen,");
        double first = Double.parseDouble(history.get(1).split(",")[2]);
        double last = Double.parseDouble(history.get(4).split(",")[2]);
        assertThat(last).as("the loss falls").isLessThan(first);
        var model = ModelArchive.read(new Storage(TestSpark.session().sparkContext().hadoopConfiguration()),
                out.resolve("model.zip").toString(), ModelFiles.MAX_BYTES_CEILING);
        assertThat(model.spec().classes().names()).containsExactlyElementsOf(ShapesGenerator.CLASSES);

        // the same schedule stopped after two epochs, then two more from the checkpoint: the same weights as four in one go
        String resumed = tmp.resolve("resumed").toString();
        new TrainJob(TestSpark.session()).run(recipe(resumed, 4, "train.stop-after=2"), false, false);
        assertThat(Files.readAllLines(Path.of(resumed, "history.csv"))).hasSize(3);
        TrainJob.Summary more = new TrainJob(TestSpark.session()).run(recipe(resumed, 4), true, false);
        assertThat(more.ranks().get(0).steps()).isEqualTo(2 * (24 / 4));
        assertThat(more.ranks().get(0).parameterCrc()).isEqualTo(four.ranks().get(0).parameterCrc());
        assertThat(Files.readAllLines(Path.of(resumed, "history.csv"))).hasSize(5);
    }

    /**
     * The other families through the same trainer, checkpoints and predictor: each trains, resumes
     * to the same weights from its checkpoint (which holds its options, e.g. the anchors), and
     * predicts as model.zip and as its weights.pth beside a sidecar of its layout, with the same
     * outputs: the first and the last of them, [2, channels, side, side] at input 96.
     */
    @ParameterizedTest
    @CsvSource({"yolov5, n, 0.25, yolov5, 3, 24, 3, 12", "yolov3, darknet53, 0.0625, yolo-anchors, 3, 24, 3, 12",
        "yolov4, cspdarknet53, 0.0625, yolo-anchors, 3, 24, 3, 12", "yolox, s, 0.25, yolox, 3, 8, 12, 3",
        "yolov4-tiny, phi4, 0.25, yolo-anchors, 2, 24, 3, 6"})
    void otherFamiliesTrainResumeAndPredictThroughTheSameSeam(String architecture, String variant, double width,
                                                            String layout, int outputs, long channels,
                                                            long firstSide, long lastSide) throws Exception {
        // with the weight average on: model.zip holds it, and the checkpoints resume it exactly too
        String[] family = {"train.model=" + architecture, "train.variant=" + variant, "train.width=" + width,
            "train.ema=true"};
        String straight = tmp.resolve(architecture + "-straight").toString();
        TrainJob.Summary two = new TrainJob(TestSpark.session()).run(recipe(straight, 2, family), false, false);
        String resumed = tmp.resolve(architecture + "-resumed").toString();
        String[] stopping = java.util.Arrays.copyOf(family, family.length + 1);
        stopping[family.length] = "train.stop-after=1";
        new TrainJob(TestSpark.session()).run(recipe(resumed, 2, stopping), false, false);
        TrainJob.Summary more = new TrainJob(TestSpark.session()).run(recipe(resumed, 2, family), true, false);
        assertThat(more.ranks().get(0).parameterCrc()).isEqualTo(two.ranks().get(0).parameterCrc());
        assertThat(zipEntry(Path.of(resumed, "model.zip"), "weights.pth"))
                .isEqualTo(zipEntry(Path.of(straight, "model.zip"), "weights.pth"));
        // model.zip holds the average, not the weights training goes on with
        byte[] saved = zipEntry(Path.of(straight, "model.zip"), "weights.pth");
        assertThat(saved).isEqualTo(Files.readAllBytes(Path.of(straight, "checkpoints/last/average.pt")))
                .isNotEqualTo(Files.readAllBytes(Path.of(straight, "checkpoints/last/weights.pt")));

        Storage storage = new Storage(TestSpark.session().sparkContext().hadoopConfiguration());
        Path zip = Path.of(straight, "model.zip");
        ModelArchive.Loaded model = ModelArchive.read(storage, zip.toString(), ModelFiles.MAX_BYTES_CEILING);
        assertThat(model.spec().architecture()).isEqualTo(architecture);
        assertThat(model.spec().variant()).isEqualTo(variant);
        Path pth = tmp.resolve(architecture + ".pth");
        try (java.util.zip.ZipFile z = new java.util.zip.ZipFile(zip.toFile());
             InputStream in = z.getInputStream(z.getEntry("weights.pth"))) {
            Files.write(pth, in.readAllBytes());
        }
        // the anchor-based families' sidecars give the run's anchors; an anchor-free family's options are its width
        StringBuilder anchors = new StringBuilder();
        if (model.spec().options() instanceof AnchorOptions fitted) {
            for (float[] a : fitted.anchors()) {
                anchors.append(anchors.length() == 0 ? "anchors = [" : ", ").append(a[0]).append(", ").append(a[1]);
            }
            anchors.append("]\n");
        }
        Files.writeString(tmp.resolve(architecture + ".pth.conf"), "layout = " + layout + "\narchitecture = "
                + architecture + "\nvariant = " + variant + "\nwidth = " + width + "\ninput-size = 96\n"
                + "classes = [" + String.join(", ", ShapesGenerator.CLASSES) + "]\n" + anchors);
        List<RgbImage> photos = new ArrayList<>();
        try (var files = Files.list(tmp.resolve("voc/JPEGImages"))) {
            for (Path p : files.sorted().limit(2).toList()) {
                photos.add(ImageDecoder.decode(Files.readAllBytes(p), p.toString(), TestSpark.pixelLimit()));
            }
        }
        try (Detector own = Detectors.open(storage, zip.toString(), 1, "cpu", ModelFiles.MAX_BYTES_CEILING);
             Detector fromPth = Detectors.open(storage, pth.toString(), 1, "cpu", ModelFiles.MAX_BYTES_CEILING)) {
            RawOutputs out = own.run(own.prepare(photos));
            assertThat(out.shapes()).hasNumberOfRows(outputs);
            assertThat(out.shapes()[0]).containsExactly(2, channels, firstSide, firstSide);
            assertThat(out.shapes()[outputs - 1]).containsExactly(2, channels, lastSide, lastSide);
            RawOutputs again = fromPth.run(fromPth.prepare(photos));
            for (int o = 0; o < outputs; o++) {
                assertThat(again.values()[o]).containsExactly(out.values()[o]);
            }
            List<List<Detection>> found = own.detect(photos, new DetectOptions(0.001, 0.45, 100));
            assertThat(found).hasSize(2);
            assertThat(found.stream().flatMap(List::stream)).allSatisfy(d -> assertThat(d.classIndex()).isBetween(0, 2));
        }
    }

    /**
     * A PyTorch state dict (the fixture made by scripts/make_yolov4_tiny_fixture.py) loads by name
     * into the run, and a frozen epoch leaves its backbone bit for bit as loaded while the heads learn.
     */
    @Test
    void pretrainedWeightsLoadByNameAndAFrozenEpochKeepsTheBackbone() throws Exception {
        Path pth = tmp.resolve("pretrained.pth");
        try (InputStream in = TrainJobTest.class.getResourceAsStream("/fixtures/yolov4_tiny_w025_c3.pth")) {
            Files.copy(in, pth);
        }
        String out = tmp.resolve("pretrained-run").toString();
        new TrainJob(TestSpark.session()).run(recipe(out, 1, "train.pretrained=" + pth.toUri()), false, false);
        Storage storage = new Storage(TestSpark.session().sparkContext().hadoopConfiguration());
        ModelArchive.Loaded trained = ModelArchive.read(storage, Path.of(out, "model.zip").toString(), ModelFiles.MAX_BYTES_CEILING);
        Network loaded = trained.spec().newNetwork();
        Weights.load(loaded, Files.readAllBytes(pth), pth.toString(), ModelFiles.MAX_BYTES_CEILING);
        Map<String, Tensor> before = loaded.namedParameters();
        Map<String, Tensor> after = trained.model().namedParameters();
        assertThat(after.keySet()).containsExactlyElementsOf(before.keySet());
        after.forEach((name, t) -> assertThat(t.equal(before.get(name))).as(name)
                .isEqualTo(name.startsWith("backbone.")));
    }

    @Test
    void guardRailsSpeakPlainly() {
        assertThatThrownBy(() -> recipe(tmp.resolve("x").toString(), 2, "train.input-size=100"))
                .hasMessageContaining("multiple of 32");
        assertThatThrownBy(() -> recipe(tmp.resolve("x").toString(), 2, "train.batch-size=1"))
                .hasMessageContaining("at least 2");
        assertThatThrownBy(() -> new TrainJob(TestSpark.session()).run(recipe(tmp.resolve("y").toString(), 1,
                "train.classes=[circle, square]"), false, false)).hasMessageContaining("triangle")
                .hasMessageContaining("not in the recipe");
        assertThatThrownBy(() -> new TrainJob(TestSpark.session()).run(recipe(tmp.resolve("z").toString(), 1),
                true, false)).hasMessageContaining("--resume");
        assertThatThrownBy(() -> new TrainJob(TestSpark.session()).run(recipe(tmp.resolve("p").toString(), 1,
                "train.pretrained=" + tmp.resolve("missing.pth").toUri()), false, false))
                .hasMessageContaining("missing.pth does not exist");
    }

    private static byte[] zipEntry(Path zip, String name) throws Exception {
        try (java.util.zip.ZipFile z = new java.util.zip.ZipFile(zip.toFile());
             InputStream in = z.getInputStream(z.getEntry(name))) {
            return in.readAllBytes();
        }
    }
}
