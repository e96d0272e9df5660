package sparkdet.train;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;
import sparkdet.config.Settings;
import sparkdet.image.LabelMap;
import sparkdet.image.LabelPng;
import sparkdet.ingest.IngestFormat;
import sparkdet.ingest.IngestJob;
import sparkdet.ingest.IngestRequest;
import sparkdet.infer.DetectOptions;
import sparkdet.io.Storage;
import sparkdet.model.ModelArchive;
import sparkdet.model.ModelFiles;
import sparkdet.model.Task;
import sparkdet.predict.PredictJob;
import sparkdet.predict.PredictRequest;
import sparkdet.testing.TestSpark;
import sparkdet.viz.MaskPainter;

/**
 * The segmentation families through the detection families' trainer, checkpoints and predictor, on
 * labelme's VOC segmentation example (3 photos with palette masks, 21 classes): each trains with
 * validation mIoU, resumes to the same weights from its checkpoint, and its model.zip predicts
 * masks at each picture's size, overlays and pixel counts. Learning to a useful mIoU is the
 * benchmark's job, not a unit test's.
 */
class SegmentationTrainTest {
    private static final Path LABELME = Path.of(
            "/usr/share/doc/labelme-examples/examples/semantic_segmentation/data_dataset_voc");
    @TempDir
    static Path tmp;
    private static String dataset;

    @BeforeAll
    static void data() throws Exception {
        dataset = tmp.resolve("labelme-seg").toString();
        new IngestJob(TestSpark.session()).run(IngestRequest.of(IngestFormat.VOC_SEG, LABELME.toString(), null, null,
                null, dataset, false, TestSpark.config()));
    }

    private static Recipe recipe(String output, String... more) {
        List<String> sets = new ArrayList<>(List.of("spark.master=local[2]", "train.input-size=64", "train.epochs=2",
                "train.freeze-epochs=1", "train.batch-size=2", "train.freeze-batch-size=2", "train.eval-period=1",
                "train.save-period=1", "train.optimizer=adam", "train.lr=1e-3", "train.warmup-epochs=0",
                "train.loader-threads=1", "train.augment.mosaic=false", "train.augment.scale-min=0.5",
                "train.augment.scale-max=1.5"));
        sets.addAll(List.of(more));
        Config c = Settings.load(null, sets);
        return Recipe.of(c, dataset, output).withValData(dataset);
    }

    @ParameterizedTest
    @CsvSource({"deeplabv3plus, mobilenetv2, false", "pspnet, mobilenetv2, true", "unet, vgg, false"})
    void trainsResumesAndPredictsMasks(String architecture, String variant, boolean aux) throws Exception {
        String[] family = {"train.model=" + architecture, "train.variant=" + variant,
            "train.segment.aux-branch=" + aux};
        String straight = tmp.resolve(architecture + "-straight").toString();
        TrainJob.Summary two = new TrainJob(TestSpark.session()).run(recipe(straight, family), false, false);
        Path out = Path.of(straight);
        for (String f : List.of("model.zip", "history.csv", "loss.png", "miou.png", "checkpoints/best/_SUCCESS")) {
            assertThat(out.resolve(f)).as(f).exists();
        }
        List<String> history = Files.readAllLines(out.resolve("history.csv"));
        assertThat(history.get(0)).isEqualTo("epoch,phase,train_loss,val_mIoU,lr,seconds");
        assertThat(history).hasSize(3);
        double miou = Double.parseDouble(history.get(2).split(",")[3]);
        assertThat(miou).isBetween(0.0, 1.0);

        String resumed = tmp.resolve(architecture + "-resumed").toString();
        String[] stopping = java.util.Arrays.copyOf(family, family.length + 1);
        stopping[family.length] = "train.stop-after=1";
        new TrainJob(TestSpark.session()).run(recipe(resumed, stopping), false, false);
        TrainJob.Summary more = new TrainJob(TestSpark.session()).run(recipe(resumed, family), true, false);
        assertThat(more.ranks().get(0).parameterCrc()).isEqualTo(two.ranks().get(0).parameterCrc());

        Storage storage = new Storage(TestSpark.session().sparkContext().hadoopConfiguration());
        ModelArchive.Loaded model = ModelArchive.read(storage, out.resolve("model.zip").toString(),
                ModelFiles.MAX_BYTES_CEILING);
        assertThat(model.spec().task()).isEqualTo(Task.SEGMENT);
        assertThat(model.spec().classes().names()).hasSize(21).contains("tv/monitor");
        model.model().close();

        Path predicted = tmp.resolve(architecture + "-predicted");
        PredictJob.Summary s = new PredictJob(TestSpark.session()).run(new PredictRequest(
                out.resolve("model.zip").toString(), LABELME.resolve("JPEGImages").toString(), predicted.toString(), 2,
                new DetectOptions(0.25, 0.45, 100), false, "cpu", 1, false, TestSpark.pixelLimit(),
                ModelFiles.MAX_BYTES_CEILING, MaskPainter.Mix.BLEND));
        assertThat(s.segment()).isTrue();
        assertThat(s.images()).isEqualTo(3);
        assertThat(s.detections()).as("masks written").isEqualTo(3);
        for (String stem : List.of("2011_000003", "2011_000006", "2011_000025")) {
            LabelMap mask = LabelPng.decode(Files.readAllBytes(predicted.resolve("masks/" + stem + ".png")), stem,
                    TestSpark.pixelLimit());
            LabelMap label = LabelPng.decode(Files.readAllBytes(LABELME.resolve("SegmentationClassPNG/" + stem + ".png")),
                    stem, TestSpark.pixelLimit());
            assertThat(new int[] {mask.width(), mask.height()}).as(stem + " at the picture's size")
                    .containsExactly(label.width(), label.height());
            assertThat(predicted.resolve("overlays/" + stem + ".jpg")).exists();
        }
        JsonNode counts = new ObjectMapper().readTree(predicted.resolve(PredictJob.COUNTS_JSON).toFile());
        assertThat(counts).hasSize(3);
        for (JsonNode image : counts) {
            long pixels = 0;
            double ratio = 0;
            for (JsonNode c : image.path("classes")) {
                pixels += c.path("pixels").asLong();
                ratio += c.path("ratio").asDouble();
            }
            assertThat(pixels).isEqualTo(image.path("width").asLong() * image.path("height").asLong());
            assertThat(ratio).isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-4));
        }
        assertThat(predicted.resolve(PredictJob.SEGMENTS)).isDirectory();
    }
}
