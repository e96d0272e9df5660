package sparkdet.predict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sparkdet.model.ModelFiles;
import sparkdet.data.ImageIds;
import sparkdet.eval.EvalJob;
import sparkdet.eval.EvalRequest;
import sparkdet.image.ImageDecoder;
import sparkdet.image.LabelMap;
import sparkdet.image.LabelPng;
import sparkdet.image.RgbImage;
import sparkdet.infer.DetectOptions;
import sparkdet.infer.Detector;
import sparkdet.infer.Detectors;
import sparkdet.ingest.IngestFormat;
import sparkdet.ingest.IngestJob;
import sparkdet.ingest.IngestRequest;
import sparkdet.io.InputUnusableException;
import sparkdet.io.Storage;
import sparkdet.synth.ShapesGenerator;
import sparkdet.testing.Bombs;
import sparkdet.testing.TestData;
import sparkdet.testing.TestSpark;
import sparkdet.viz.MaskPainter;

/**
 * predict on a real Spark session over real files: darknet's photos (one in a subfolder, one with
 * an upper-case extension), a PNG, a file that is not an image under an image name, and a text
 * file that is not picked up; and predict's output read back by evaluate.
 */
class PredictJobTest {
    private static final Path MODEL = Path.of("src/test/resources/fixtures/infer/yolov4_tiny_w025_c3.onnx")
            .toAbsolutePath();
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aFolderGivesRowsTxtFilesResultsAndDrawingsAndCountsWhatItCouldNotRead(@TempDir Path tmp) throws Exception {
        Path in = tmp.resolve("in");
        Files.createDirectories(in.resolve("sub"));
        Files.copy(TestData.require(TestData.DARKNET.resolve("dog.jpg")), in.resolve("dog.jpg"));
        Files.copy(TestData.DARKNET.resolve("horses.jpg"), in.resolve("HORSES.JPG"));
        Files.copy(TestData.DARKNET.resolve("person.jpg"), in.resolve("sub/person.jpg"));
        BufferedImage png = new BufferedImage(50, 30, BufferedImage.TYPE_INT_RGB);
        ImageIO.write(png, "png", in.resolve("blank.png").toFile());
        Files.write(in.resolve("broken.jpg"), "this is not a JPEG".getBytes(StandardCharsets.UTF_8));
        Files.writeString(in.resolve("notes.txt"), "not an image");
        Path out = tmp.resolve("out");

        PredictJob.Summary s = new PredictJob(TestSpark.session()).run(new PredictRequest(MODEL.toString(),
                in.toString(), out.toString(), 2, new DetectOptions(0.05, 0.45, 20), true, "cpu", 2, false, TestSpark.pixelLimit(), ModelFiles.MAX_BYTES_CEILING));

        assertThat(s.images()).isEqualTo(5);
        assertThat(s.failed()).isEqualTo(1);
        assertThat(out.resolve("_SUCCESS")).exists();
        assertThat(tmp.toFile().list()).as("no staging folder left").containsExactlyInAnyOrder("in", "out");
        List<Row> rows = TestSpark.session().read().parquet(out.resolve(PredictJob.DETECTIONS).toString())
                .collectAsList();
        Map<String, Row> byId = new HashMap<>();
        rows.forEach(r -> byId.put(r.getString(r.fieldIndex("image_id")), r));
        assertThat(byId.keySet()).containsExactlyInAnyOrder("dog", "HORSES", "sub/person", "blank", "broken");
        Row broken = byId.get("broken");
        assertThat(broken.getString(broken.fieldIndex("error"))).contains("broken.jpg").contains("not a decodable image");
        assertThat(broken.isNullAt(broken.fieldIndex("width"))).isTrue();
        Row dog = byId.get("dog");
        assertThat(dog.isNullAt(dog.fieldIndex("error"))).isTrue();
        assertThat(dog.getInt(dog.fieldIndex("width"))).isEqualTo(768);
        assertThat(dog.getInt(dog.fieldIndex("height"))).isEqualTo(576);

        long total = 0;
        for (String id : List.of("dog", "HORSES", "sub/person", "blank")) {
            Row r = byId.get(id);
            List<Row> boxes = r.getList(r.fieldIndex("detections"));
            total += boxes.size();
            String stem = id.substring(id.lastIndexOf('/') + 1);
            List<String> lines = Files.readAllLines(out.resolve("txt/" + stem + ".txt"));
            assertThat(lines).as(id).hasSize(boxes.size());
            for (int k = 0; k < boxes.size(); k++) {
                Row b = boxes.get(k);
                String[] f = lines.get(k).split(" ");
                assertThat(f[0]).isEqualTo(b.getString(b.fieldIndex("label")));
                assertThat(Double.parseDouble(f[1])).isCloseTo(b.getFloat(b.fieldIndex("score")),
                        org.assertj.core.data.Offset.offset(1e-6));
                float xmax = b.getFloat(b.fieldIndex("xmax"));
                assertThat(xmax).isLessThanOrEqualTo(r.getInt(r.fieldIndex("width")));
            }
        }
        assertThat(total).as("random weights at score 0.05 still find boxes").isPositive().isEqualTo(s.detections());
        assertThat(out.resolve("txt/broken.txt")).doesNotExist();
        assertThat(out.resolve("txt").toFile().list()).as("one file per image, no checksum files")
                .containsExactlyInAnyOrder("dog.txt", "HORSES.txt", "person.txt", "blank.txt");

        JsonNode results = JSON.readTree(out.resolve(PredictJob.DETECTIONS_JSON).toFile());
        assertThat(results.size()).isEqualTo(total);
        for (JsonNode d : results) {
            String file = d.get("file_name").asText();
            assertThat(d.get("image_id").asLong()).isEqualTo(ImageIds.numericId(ImageIds.stem(file)));
            assertThat(d.get("bbox").size()).isEqualTo(4);
            assertThat(d.get("category_id").asInt()).isBetween(1, 3);
        }

        RgbImage drawn = ImageDecoder.decode(Files.readAllBytes(out.resolve("images/dog.jpg")), "drawn dog", TestSpark.pixelLimit());
        assertThat(drawn.width()).isEqualTo(768);
        assertThat(drawn.height()).isEqualTo(576);
        RgbImage original = ImageDecoder.decode(Files.readAllBytes(in.resolve("dog.jpg")), "dog", TestSpark.pixelLimit());
        assertThat(meanDifference(drawn, original)).as("boxes drawn on the picture").isGreaterThan(0.5);
    }

    /**
     * An imported segmentation export, an ONNX file with its sidecar (layout segmentation; this one
     * leaves the input's height and width open, so the sidecar's input-size sets them): predict writes
     * each picture's class map as masks/&lt;stem&gt;.png at the picture's size, the map the same model
     * decodes in-process, with the overlays, counts.json and segments/.
     */
    @Test
    void anImportedSegmentationOnnxWritesMasksAtEachPicturesSize(@TempDir Path tmp) throws Exception {
        Path model = Path.of("src/test/resources/fixtures/infer/deeplabv3plus_mobilenetv2_w0125_c4.onnx")
                .toAbsolutePath();
        Path in = TestData.require(TestData.LABELME_SEGMENTATION.resolve("JPEGImages"));
        Path out = tmp.resolve("out");
        PredictJob.Summary s = new PredictJob(TestSpark.session()).run(new PredictRequest(model.toString(),
                in.toString(), out.toString(), 2, new DetectOptions(0.25, 0.45, 100), false, "cpu", 1, false,
                TestSpark.pixelLimit(), ModelFiles.MAX_BYTES_CEILING, MaskPainter.Mix.BLEND));
        assertThat(s.segment()).isTrue();
        assertThat(s.images()).isEqualTo(3);
        assertThat(s.failed()).isZero();
        assertThat(s.detections()).as("masks written").isEqualTo(3);
        assertThat(out.resolve("_SUCCESS")).exists();
        assertThat(out.resolve("txt")).doesNotExist();
        try (Detector detector = Detectors.open(new Storage(new Configuration()), model.toString(), 1, "cpu",
                ModelFiles.MAX_BYTES_CEILING)) {
            for (String stem : List.of("2011_000003", "2011_000006", "2011_000025")) {
                LabelMap mask = LabelPng.decode(Files.readAllBytes(out.resolve("masks/" + stem + ".png")), stem,
                        TestSpark.pixelLimit());
                RgbImage photo = ImageDecoder.decode(Files.readAllBytes(in.resolve(stem + ".jpg")), stem,
                        TestSpark.pixelLimit());
                assertThat(new int[] {mask.width(), mask.height()}).as(stem)
                        .containsExactly(photo.width(), photo.height());
                assertThat(mask.pixels()).as(stem + ": the model's class map")
                        .isEqualTo(detector.segment(List.of(photo)).get(0).pixels());
                assertThat(Arrays.stream(mask.histogram()).filter(pixels -> pixels > 0).count()).as(stem)
                        .isGreaterThan(1);
                assertThat(out.resolve("overlays/" + stem + ".jpg")).isNotEmptyFile();
            }
        }
        JsonNode counts = JSON.readTree(out.resolve(PredictJob.COUNTS_JSON).toFile());
        assertThat(counts).hasSize(3);
        for (JsonNode image : counts) {
            long pixels = 0;
            for (JsonNode c : image.path("classes")) {
                pixels += c.path("pixels").asLong();
            }
            assertThat(pixels).isEqualTo(image.path("width").asLong() * image.path("height").asLong());
        }
        assertThat(out.resolve(PredictJob.SEGMENTS)).isDirectory();
    }

    /** issue 12, part 2: a decompression bomb is an error row, refused from its header; the rest is predicted */
    @Test
    void aDecompressionBombIsAnErrorRowAndTheOtherImagesArePredicted(@TempDir Path tmp) throws Exception {
        Path in = Files.createDirectories(tmp.resolve("in"));
        Files.copy(TestData.require(TestData.DARKNET.resolve("dog.jpg")), in.resolve("dog.jpg"));
        Files.write(in.resolve("bomb.png"), Bombs.png(30000, 30000));
        Path out = tmp.resolve("out");

        PredictJob.Summary s = new PredictJob(TestSpark.session()).run(new PredictRequest(MODEL.toString(),
                in.toString(), out.toString(), 2, new DetectOptions(0.05, 0.45, 20), false, "cpu", 2, false,
                TestSpark.pixelLimit(), ModelFiles.MAX_BYTES_CEILING));

        assertThat(s.images()).isEqualTo(2);
        assertThat(s.failed()).isEqualTo(1);
        Map<String, Row> byId = new HashMap<>();
        TestSpark.session().read().parquet(out.resolve(PredictJob.DETECTIONS).toString()).collectAsList()
                .forEach(r -> byId.put(r.getString(r.fieldIndex("image_id")), r));
        Row bomb = byId.get("bomb");
        assertThat(bomb.getString(bomb.fieldIndex("error"))).contains("bomb.png")
                .contains("refused undecoded: its header declares 30000x30000 = 900000000 pixels, "
                        + "more than sparkdet.images.max-pixels = 200000000");
        Row dog = byId.get("dog");
        assertThat(dog.isNullAt(dog.fieldIndex("error"))).isTrue();
        assertThat(dog.getInt(dog.fieldIndex("width"))).isEqualTo(768);
    }

    /**
     * issue 12, parts 5 and 9: pictures whose stems or cleaned names meet, and names with a newline
     * or a colon, each get their own outputs and ids; a rerun into an output inside the input does
     * not predict its own drawings
     */
    @Test
    void everyPictureGetsItsOwnOutputsAndIdsAndAnOutputInsideTheInputIsNotInput(@TempDir Path tmp) throws Exception {
        Path in = Files.createDirectories(tmp.resolve("in"));
        Path dog = TestData.require(TestData.DARKNET.resolve("dog.jpg"));
        Files.copy(dog, in.resolve("dog.jpg"));
        ImageIO.write(ImageIO.read(TestData.DARKNET.resolve("horses.jpg").toFile()), "png", in.resolve("dog.png").toFile());
        Files.copy(TestData.DARKNET.resolve("person.jpg"), in.resolve("a b.jpg"));
        Files.copy(TestData.DARKNET.resolve("horses.jpg"), in.resolve("a_b.jpg"));
        Files.copy(dog, in.resolve("x:y.jpg"));
        Files.copy(dog, in.resolve("new\nline.jpg"));
        Path out = in.resolve("predicted");
        List<String> names = List.of("dog.jpg", "dog.png", "a b", "a_b", "x%3Ay", "new%0Aline");

        for (boolean rerun : new boolean[] {false, true}) {
            PredictJob.Summary s = new PredictJob(TestSpark.session()).run(new PredictRequest(MODEL.toString(),
                    in.toString(), out.toString(), 4, new DetectOptions(0.05, 0.45, 20), true, "cpu", 2, rerun,
                    TestSpark.pixelLimit(), ModelFiles.MAX_BYTES_CEILING));
            assertThat(s.images()).as("rerun " + rerun + ": the drawings in the output are no input").isEqualTo(6);
            assertThat(TestSpark.session().read().parquet(out.resolve(PredictJob.DETECTIONS).toString())
                    .filter("error is not null").collectAsList()).as("rerun " + rerun + ": errors").isEmpty();
        }
        assertThat(out.resolve("txt").toFile().list())
                .containsExactlyInAnyOrderElementsOf(names.stream().map(n -> n + ".txt").toList());
        assertThat(out.resolve("images").toFile().list())
                .containsExactlyInAnyOrderElementsOf(names.stream().map(n -> n + ".jpg").toList());
        List<Row> rows = TestSpark.session().read().parquet(out.resolve(PredictJob.DETECTIONS).toString())
                .collectAsList();
        assertThat(rows).extracting(r -> r.getString(r.fieldIndex("image_id")))
                .containsExactlyInAnyOrder("dog.jpg", "dog.png", "a b", "a_b", "x:y", "new\nline");
        assertThat(rows).extracting(r -> r.getLong(r.fieldIndex("coco_image_id"))).doesNotHaveDuplicates();
        Map<Long, String> fileById = new HashMap<>();
        rows.forEach(r -> fileById.put(r.getLong(r.fieldIndex("coco_image_id")), r.getString(r.fieldIndex("file_name"))));
        for (JsonNode d : JSON.readTree(out.resolve(PredictJob.DETECTIONS_JSON).toFile())) {
            assertThat(d.get("file_name").asText()).isEqualTo(fileById.get(d.get("image_id").asLong()));
        }
        // the drawn dog.png is the horses, not the dog: each picture's drawing is its own
        assertThat(ImageDecoder.decode(Files.readAllBytes(out.resolve("images/dog.png.jpg")), "drawn", TestSpark.pixelLimit())
                .width()).isEqualTo(773);
    }

    /** a dataset's rows whose files share a stem in different folders get their own outputs */
    @Test
    void datasetRowsSharingAStemAreNamedByTheirPath(@TempDir Path tmp) throws Exception {
        Path images = tmp.resolve("images");
        for (String f : new String[] {"a/dog.jpg", "b/dog.jpg", "horses.jpg"}) {
            Files.createDirectories(images.resolve(f).getParent());
            Files.copy(TestData.require(TestData.DARKNET.resolve(f.endsWith("dog.jpg") ? "dog.jpg" : f)),
                    images.resolve(f));
        }
        Path gt = Files.writeString(tmp.resolve("gt.json"), "{\"images\": [{\"id\": 1, \"file_name\": \"a/dog.jpg\", "
                + "\"width\": 768, \"height\": 576}, {\"id\": 2, \"file_name\": \"b/dog.jpg\", \"width\": 768, "
                + "\"height\": 576}, {\"id\": 3, \"file_name\": \"horses.jpg\", \"width\": 773, \"height\": 512}], "
                + "\"categories\": [{\"id\": 1, \"name\": \"dog\"}], \"annotations\": []}");
        Path dataset = tmp.resolve("dataset");
        new IngestJob(TestSpark.session()).run(IngestRequest.of(IngestFormat.COCO, gt.toString(), images.toString(),
                null, null, dataset.toString(), false, TestSpark.config()));
        Path out = tmp.resolve("predicted");
        PredictJob.Summary s = new PredictJob(TestSpark.session()).run(new PredictRequest(MODEL.toString(),
                dataset.toString(), out.toString(), 4, new DetectOptions(0.02, 0.45, 50), false, "cpu", 1, false,
                TestSpark.pixelLimit(), ModelFiles.MAX_BYTES_CEILING));
        assertThat(s.images()).isEqualTo(3);
        try (Stream<Path> txt = Files.list(out.resolve("txt"))) {
            assertThat(txt.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("a%2Fdog.txt", "b%2Fdog.txt", "horses.txt");
        }
    }

    @Test
    void aDatasetPredictedIsEvaluatedAgainstItselfByImageId(@TempDir Path tmp) throws Exception {
        Path voc = tmp.resolve("voc");
        ShapesGenerator.generate(voc, 10, 3, 160);
        Path dataset = tmp.resolve("dataset");
        new IngestJob(TestSpark.session()).run(IngestRequest.of(IngestFormat.VOC, voc.toString(), null, null,
                voc.resolve("classes.txt").toString(), dataset.toString(), false, TestSpark.config()));
        Path out = tmp.resolve("predicted");
        PredictJob.Summary s = new PredictJob(TestSpark.session()).run(new PredictRequest(MODEL.toString(),
                dataset.toString(), out.toString(), 4, new DetectOptions(0.02, 0.45, 50), false, "cpu", 1, false, TestSpark.pixelLimit(), ModelFiles.MAX_BYTES_CEILING));
        assertThat(s.images()).isEqualTo(10);
        assertThat(s.failed()).isZero();
        assertThat(s.detections()).isPositive();
        assertThat(out.resolve("images")).doesNotExist();

        EvalRequest req = new EvalRequest(dataset.toString(), out.toString(), tmp.resolve("eval").toString(), "all",
                0.5, 0.5, true, false, 100, "local", 0, 2);
        Map<String, Object> metrics = new EvalJob(new Storage(new Configuration()), TestSpark::session).run(req).metrics();
        @SuppressWarnings("unchecked")
        Map<String, Object> counts = (Map<String, Object>) metrics.get("counts");
        assertThat(((Number) counts.get("images")).longValue()).isEqualTo(10);
        assertThat(((Number) counts.get("detections")).longValue()).as("every detection matched an image and class")
                .isEqualTo(s.detections());
    }

    @Test
    void aMissingInputOrModelIsAClearErrorAndWritesNothing(@TempDir Path tmp) {
        Path out = tmp.resolve("out");
        assertThatThrownBy(() -> new PredictJob(TestSpark.session()).run(new PredictRequest(MODEL.toString(),
                tmp.resolve("nowhere").toString(), out.toString(), 2, DetectOptions.defaults(), false, "cpu", 1, false, TestSpark.pixelLimit(), ModelFiles.MAX_BYTES_CEILING)))
                .isInstanceOf(InputUnusableException.class).hasMessageContaining("nowhere").hasMessageContaining("does not exist");
        assertThatThrownBy(() -> new PredictJob(TestSpark.session()).run(new PredictRequest(
                tmp.resolve("model.onnx").toString(), TestData.DARKNET.resolve("dog.jpg").toString(), out.toString(), 2,
                DetectOptions.defaults(), false, "cpu", 1, false, TestSpark.pixelLimit(), ModelFiles.MAX_BYTES_CEILING)))
                .isInstanceOf(InputUnusableException.class).hasMessageContaining("model.onnx");
        assertThat(out).doesNotExist();
    }

    private static double meanDifference(RgbImage a, RgbImage b) {
        long sum = 0;
        for (int i = 0; i < a.rgb().length; i++) {
            sum += Math.abs((a.rgb()[i] & 0xff) - (b.rgb()[i] & 0xff));
        }
        return (double) sum / a.rgb().length;
    }
}
