package sparkdet.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sparkdet.image.LabelMap;
import sparkdet.image.LabelPng;
import sparkdet.io.HadoopConf;
import sparkdet.io.InputUnusableException;
import sparkdet.io.Storage;
import sparkdet.testing.TestData;
import sparkdet.testing.TestSpark;

/** The other forms of ground truth and predictions, and the two paths on a set larger than the golden ones. */
class SegmentationEvalJobTest {
    private static final Offset<Double> EXACT = Offset.offset(1e-9);
    private static final Storage STORAGE = new Storage(new Configuration());

    @TempDir
    Path tmp;

    private JsonNode evaluate(Path gt, Path predictions, String name) throws Exception {
        Path out = tmp.resolve(name);
        new SegmentationEvalJob(STORAGE, TestSpark::session, 2).run(new SegmentationEvalRequest(gt.toString(),
                predictions.toString(), out.toString(), null, "val", false, "auto", Long.MAX_VALUE, 0,
                TestSpark.pixelLimit()));
        return new ObjectMapper().readTree(out.resolve("metrics.json").toFile());
    }

    /**
     * an ingested dataset's rows, read by column name (image_id, mask_uri among others), and a
     * predict output's masks/ give the golden numbers
     */
    @Test
    void anIngestedDatasetAndAPredictOutputGiveTheGoldenNumbers() throws Exception {
        Path seed = TestData.golden().resolve("seg/seed2");
        JsonNode expected = new ObjectMapper().readTree(seed.resolve("expected.json").toFile());
        Path dataset = Files.createDirectories(tmp.resolve("dataset"));
        StructType schema = new StructType().add("image_id", DataTypes.StringType)
                .add("image_uri", DataTypes.StringType).add("mask_uri", DataTypes.StringType)
                .add("width", DataTypes.IntegerType);
        List<Row> rows = new ArrayList<>();
        for (String stem : Files.readAllLines(seed.resolve("ImageSets/Segmentation/val.txt"))) {
            if (!stem.isBlank()) {
                rows.add(RowFactory.create(stem, seed.resolve("JPEGImages/" + stem + ".jpg").toUri().toString(),
                        seed.resolve("SegmentationClass/" + stem + ".png").toUri().toString(), 0));
            }
        }
        Dataset<Row> df = TestSpark.session().createDataFrame(rows, schema);
        df.coalesce(2).write().parquet(dataset.resolve("data").toString());
        Files.copy(seed.resolve("classes.txt"), dataset.resolve("classes.txt"));
        Files.createFile(dataset.resolve("_SUCCESS"));
        Path predicted = tmp.resolve("predicted");
        Files.createDirectories(predicted.resolve("overlays"));
        copyFolder(seed.resolve("predictions"), Files.createDirectories(predicted.resolve("masks")));

        JsonNode m = evaluate(dataset, predicted, "from-dataset").get("segmentation");
        assertThat(m.get("images").asInt()).isEqualTo(expected.get("images").asInt());
        assertThat(m.get("skipped")).isEqualTo(expected.get("skipped"));
        for (String key : List.of("mIoU", "mPA", "mPrecision", "accuracy")) {
            assertThat(m.get(key).asDouble()).as(key).isCloseTo(expected.get(key).asDouble(), EXACT);
        }

        Path detectionDataset = Files.createDirectories(tmp.resolve("boxes"));
        TestSpark.session().createDataFrame(List.of(RowFactory.create("a")),
                new StructType().add("image_id", DataTypes.StringType)).write()
                .parquet(detectionDataset.resolve("data").toString());
        Files.writeString(detectionDataset.resolve("classes.txt"), "cat\n");
        Files.createFile(detectionDataset.resolve("_SUCCESS"));
        assertThatThrownBy(() -> evaluate(detectionDataset, predicted, "from-boxes"))
                .isInstanceOf(InputUnusableException.class).hasMessageContaining("has no masks")
                .hasMessageContaining("mask_uri");
        assertThat(tmp.resolve("from-boxes")).doesNotExist();
    }

    private static void copyFolder(Path from, Path to) throws Exception {
        try (var files = Files.list(from)) {
            for (Path f : files.toList()) {
                Files.copy(f, to.resolve(f.getFileName()));
            }
        }
    }

    /**
     * 300 generated pairs of 21 classes in four sizes, with ignore borders, predictions of no
     * class and some of another size: Spark tasks and driver threads sum the same matrix
     */
    @Test
    void sparkTasksSumTheMatrixTheDriverSums() throws Exception {
        int n = 21;
        Path labels = Files.createDirectories(tmp.resolve("labels"));
        Path predictions = Files.createDirectories(tmp.resolve("predictions"));
        Random rnd = new Random(14);
        int[][] sizes = {{64, 48}, {96, 96}, {120, 80}, {33, 57}};
        List<MaskPair> pairs = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            int[] size = sizes[rnd.nextInt(sizes.length)];
            LabelMap label = shapes(rnd, size[0], size[1], n);
            byte[] p = label.pixels().clone();
            for (int k = 0; k < p.length; k++) {
                if ((p[k] & 0xFF) == 255 || rnd.nextInt(20) == 0) {
                    p[k] = (byte) rnd.nextInt(n);
                } else if (p[k] == 0 && rnd.nextInt(500) == 0) {
                    p[k] = (byte) (n + rnd.nextInt(n));   // no class: bincount's flat index n * 0 + v
                }
            }
            LabelMap prediction = i % 37 == 5 ? shapes(rnd, size[0] + 1, size[1], n)
                    : new LabelMap(label.width(), label.height(), p);
            String stem = String.format("img_%04d", i);
            Files.write(labels.resolve(stem + ".png"), LabelPng.encodeVocPalette(label));
            Files.write(predictions.resolve(stem + ".png"), LabelPng.encodeGrey(prediction));
            pairs.add(new MaskPair(i, stem, labels.resolve(stem + ".png").toUri().toString(),
                    predictions.resolve(stem + ".png").toUri().toString()));
        }
        SegmentationConfusion local = SegmentationEvaluation.local(pairs, n, STORAGE, TestSpark.pixelLimit(), 2);
        SegmentationConfusion spark = SegmentationEvaluation.cluster(
                JavaSparkContext.fromSparkContext(TestSpark.session().sparkContext()), pairs, n,
                new HadoopConf(STORAGE.conf()), TestSpark.pixelLimit(), 7);
        assertThat(spark.matrix()).isDeepEqualTo(local.matrix());
        assertThat(spark.skipped()).isEqualTo(local.skipped()).hasSize(8).startsWith(5, 42);
        assertThat(spark.images()).isEqualTo(local.images()).isEqualTo(292);
        assertThat(spark.outOfRangePredictions()).isEqualTo(local.outOfRangePredictions()).isPositive();
        assertThat(spark.ignoredLabelPixels()).isEqualTo(local.ignoredLabelPixels()).isPositive();
        assertThat(SegmentationMetrics.of(spark).mIoU()).isEqualTo(SegmentationMetrics.of(local).mIoU());
        long total = 0;
        for (long[] r : local.matrix()) {
            for (long v : r) {
                total += v;
            }
        }
        assertThat(total).as("every pixel with a label class of the pairs not skipped").isGreaterThan(292L * 33 * 57);
    }

    /** rectangles of random classes on background, some with an ignore border, as VOC draws them */
    private static LabelMap shapes(Random rnd, int w, int h, int classes) {
        byte[] px = new byte[w * h];
        for (int s = rnd.nextInt(5) + 1; s > 0; s--) {
            int c = 1 + rnd.nextInt(classes - 1);
            int x0 = rnd.nextInt(w - 8);
            int y0 = rnd.nextInt(h - 8);
            int x1 = x0 + 4 + rnd.nextInt(w - x0 - 4);
            int y1 = y0 + 4 + rnd.nextInt(h - y0 - 4);
            boolean border = rnd.nextBoolean();
            for (int y = y0; y < y1; y++) {
                for (int x = x0; x < x1; x++) {
                    boolean edge = x == x0 || y == y0 || x == x1 - 1 || y == y1 - 1;
                    px[y * w + x] = (byte) (border && edge ? 255 : c);
                }
            }
        }
        return new LabelMap(w, h, px);
    }
}
