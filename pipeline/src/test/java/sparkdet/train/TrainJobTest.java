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
import sparkdet.model.ModelFiles;
import sparkdet.config.Settings;
import sparkdet.ingest.IngestFormat;
import sparkdet.ingest.IngestJob;
import sparkdet.ingest.IngestRequest;
import sparkdet.io.Storage;
import sparkdet.model.ModelArchive;
import sparkdet.model.Weights;
import sparkdet.model.Network;
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
        assertThat(history.get(0)).isEqualTo(History.HEADER);
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
}
