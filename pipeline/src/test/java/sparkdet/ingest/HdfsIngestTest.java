package sparkdet.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import sparkdet.data.Datasets;
import sparkdet.io.OutputGuard;
import sparkdet.testing.MiniHdfs;
import sparkdet.testing.TestData;
import sparkdet.testing.TestSpark;

/**
 * A dataset, metrics and predictions written to and read back from a real HDFS (a MiniDFSCluster
 * started by the test).
 */
class HdfsIngestTest {
    @RegisterExtension
    static final MiniHdfs CLUSTER = new MiniHdfs();

    @TempDir
    static Path base;

    @Test
    void ingestWritesToHdfsAtomically() throws Exception {
        Path voc = TestData.require(TestData.LABELME_VOC);
        String target = CLUSTER.uri() + "/datasets/labelme";
        IngestRequest req = IngestRequest.of(IngestFormat.VOC, voc.toString(), null, null,
                voc.resolve("class_names.txt").toString(), target, false, TestSpark.config());
        IngestSummary s = new IngestJob(TestSpark.session()).run(req);
        assertThat(s.output().toString()).isEqualTo(target);

        FileSystem fs = CLUSTER.fileSystem();
        assertThat(fs.exists(new org.apache.hadoop.fs.Path("/datasets/labelme/_SUCCESS"))).isTrue();
        assertThat(fs.exists(new org.apache.hadoop.fs.Path("/datasets/labelme/stats.png"))).isTrue();
        assertThat(fs.listStatus(new org.apache.hadoop.fs.Path("/datasets"))).hasSize(1);
        Datasets ds = Datasets.open(TestSpark.session(), target);
        assertThat(ds.rows().count()).isEqualTo(3);
        assertThat(ds.classes().names()).contains("tv/monitor");

        long before = fs.getFileStatus(new org.apache.hadoop.fs.Path("/datasets/labelme/_SUCCESS")).getModificationTime();
        assertThatThrownBy(() -> new IngestJob(TestSpark.session()).run(req))
                .isInstanceOf(OutputGuard.OutputExistsException.class).hasMessageContaining(target);
        assertThat(fs.getFileStatus(new org.apache.hadoop.fs.Path("/datasets/labelme/_SUCCESS")).getModificationTime())
                .isEqualTo(before);

        // evaluate reads that dataset from HDFS and writes its metrics back there
        Path seed = TestData.golden().resolve("eval/seed1");
        String metrics = CLUSTER.uri() + "/eval/seed1";
        new sparkdet.eval.EvalJob(new sparkdet.io.Storage(TestSpark.session().sparkContext().hadoopConfiguration()),
                TestSpark::session).run(new sparkdet.eval.EvalRequest(seed.resolve("gt.json").toString(),
                seed.resolve("dt.json").toString(), metrics, "all", 0.5, 0.5, true, false));
        assertThat(fs.exists(new org.apache.hadoop.fs.Path("/eval/seed1/_SUCCESS"))).isTrue();
        try (java.io.InputStream in = fs.open(new org.apache.hadoop.fs.Path("/eval/seed1/metrics.json"))) {
            double ap = new com.fasterxml.jackson.databind.ObjectMapper().readTree(in).get("coco").get("AP").asDouble();
            assertThat(ap).isCloseTo(0.3410208899994056, org.assertj.core.data.Offset.offset(1e-9));
        }
        // the cluster path: Spark tasks stream the detections from HDFS themselves
        fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(seed.resolve("dt.json").toUri()),
                new org.apache.hadoop.fs.Path("/eval/dt.json"));
        new sparkdet.eval.EvalJob(new sparkdet.io.Storage(TestSpark.session().sparkContext().hadoopConfiguration()),
                TestSpark::session).run(new sparkdet.eval.EvalRequest(seed.resolve("gt.json").toString(),
                CLUSTER.uri() + "/eval/dt.json", CLUSTER.uri() + "/eval/seed1-cluster", "all", 0.5, 0.5, true, false,
                100, "cluster", 0, 2));
        try (java.io.InputStream in = fs.open(new org.apache.hadoop.fs.Path("/eval/seed1-cluster/metrics.json"))) {
            var m = new com.fasterxml.jackson.databind.ObjectMapper().readTree(in);
            assertThat(m.get("mode").asText()).isEqualTo("cluster (2 shards)");
            assertThat(m.get("coco").get("AP").asDouble())
                    .isCloseTo(0.3410208899994056, org.assertj.core.data.Offset.offset(1e-9));
        }

        Path lines = base.resolve("from-hdfs.txt");
        long n = new LinesExport(TestSpark.session()).run(target, lines.toString(), false, false, false);
        assertThat(n).isEqualTo(3);
    }

    /** predict with the model, its sidecar and the photos on HDFS, its output written there by the tasks */
    @Test
    void predictReadsModelAndImagesFromHdfsAndWritesThere() throws Exception {
        FileSystem fs = CLUSTER.fileSystem();
        Path fixtures = Path.of("src/test/resources/fixtures/infer").toAbsolutePath();
        for (String f : new String[] {"yolov4_tiny_w025_c3.onnx", "yolov4_tiny_w025_c3.onnx.conf"}) {
            fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(fixtures.resolve(f).toUri()),
                    new org.apache.hadoop.fs.Path("/models/" + f));
        }
        for (String f : new String[] {"dog.jpg", "horses.jpg", "person.jpg"}) {
            fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(TestData.require(TestData.DARKNET.resolve(f)).toUri()),
                    new org.apache.hadoop.fs.Path("/photos/" + f));
        }
        sparkdet.predict.PredictJob.Summary s = new sparkdet.predict.PredictJob(TestSpark.session()).run(
                new sparkdet.predict.PredictRequest(CLUSTER.uri() + "/models/yolov4_tiny_w025_c3.onnx",
                        CLUSTER.uri() + "/photos", CLUSTER.uri() + "/predicted", 2,
                        new sparkdet.infer.DetectOptions(0.1, 0.45, 50), true, "cpu", 2, false,
                        TestSpark.pixelLimit(), sparkdet.model.ModelFiles.MAX_BYTES_CEILING));
        assertThat(s.images()).isEqualTo(3);
        assertThat(s.failed()).isZero();
        assertThat(s.output()).isEqualTo(CLUSTER.uri() + "/predicted");
        assertThat(fs.exists(new org.apache.hadoop.fs.Path("/predicted/_SUCCESS"))).isTrue();
        for (String stem : new String[] {"dog", "horses", "person"}) {
            assertThat(fs.exists(new org.apache.hadoop.fs.Path("/predicted/txt/" + stem + ".txt"))).isTrue();
            assertThat(fs.getFileStatus(new org.apache.hadoop.fs.Path("/predicted/images/" + stem + ".jpg")).getLen())
                    .isPositive();
        }
        try (java.io.InputStream in = fs.open(new org.apache.hadoop.fs.Path("/predicted/detections.json"))) {
            assertThat(new com.fasterxml.jackson.databind.ObjectMapper().readTree(in).size()).isEqualTo(s.detections());
        }
        assertThat(fs.listStatus(new org.apache.hadoop.fs.Path("/"))).as("no staging folder left")
                .extracting(st -> st.getPath().getName()).noneMatch(name -> name.startsWith(".predicted"));
    }
}
