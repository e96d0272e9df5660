package sparkdet.eval;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import sparkdet.io.Storage;
import sparkdet.testing.MiniHdfs;
import sparkdet.testing.TestData;
import sparkdet.testing.TestSpark;

/**
 * evaluate --task segment with the label masks, the predictions and the output on a real HDFS (a
 * MiniDFSCluster started by the test): the masks read by driver threads or by Spark tasks, the
 * golden numbers either way.
 */
class SegmentationHdfsTest {
    private static final Offset<Double> EXACT = Offset.offset(1e-9);
    @RegisterExtension
    static final MiniHdfs HDFS = new MiniHdfs();

    @BeforeAll
    static void copyTheGoldenCaseThere() throws Exception {
        Path seed = TestData.golden().resolve("seg/seed1");
        FileSystem fs = HDFS.fileSystem();
        for (String part : List.of("SegmentationClass", "ImageSets", "classes.txt", "predictions")) {
            fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(seed.resolve(part).toUri()),
                    new org.apache.hadoop.fs.Path("/seg/seed1/" + part));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "cluster"})
    void masksOnHdfsGiveTheGoldenNumbersWrittenToHdfs(String mode) throws Exception {
        JsonNode expected = new ObjectMapper().readTree(TestData.golden().resolve("seg/seed1/expected.json").toFile());
        String output = HDFS.uri() + "/eval/seg-" + mode;
        Storage storage = new Storage(TestSpark.session().sparkContext().hadoopConfiguration());
        EvalJob.Summary s = new SegmentationEvalJob(storage, TestSpark::session, 2).run(new SegmentationEvalRequest(
                HDFS.uri() + "/seg/seed1", HDFS.uri() + "/seg/seed1/predictions", output, null, "val", false, mode,
                Long.MAX_VALUE, 2, TestSpark.pixelLimit()));
        assertThat(s.output()).isEqualTo(output);
        assertThat(s.metrics().get("mode").toString()).startsWith(mode);

        FileSystem fs = HDFS.fileSystem();
        try (InputStream in = fs.open(new org.apache.hadoop.fs.Path("/eval/seg-" + mode + "/metrics.json"))) {
            JsonNode m = new ObjectMapper().readTree(in).get("segmentation");
            for (String key : List.of("mIoU", "mPA", "mPrecision", "accuracy")) {
                assertThat(m.get(key).asDouble()).as(key).isCloseTo(expected.get(key).asDouble(), EXACT);
            }
            assertThat(m.get("skipped")).isEqualTo(expected.get("skipped"));
        }
        try (InputStream in = fs.open(new org.apache.hadoop.fs.Path("/eval/seg-" + mode + "/confusion_matrix.csv"))) {
            String csv = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertThat(csv.split("\r\n")[1]).isEqualTo("background,"
                    + String.join(",", expected.get("confusion_matrix").get(0).toString().replaceAll("[\\[\\]]", "")));
        }
        for (String file : List.of("_SUCCESS", "mIoU.png", "mPA.png", "Recall.png", "Precision.png", "results.txt")) {
            assertThat(fs.exists(new org.apache.hadoop.fs.Path("/eval/seg-" + mode + "/" + file))).as(file).isTrue();
        }
        assertThat(fs.listStatus(new org.apache.hadoop.fs.Path("/eval"))).as("no staging folder left")
                .extracting(st -> st.getPath().getName()).noneMatch(name -> name.startsWith("."));
    }
}
