package sparkdet.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static sparkdet.cli.MainTest.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sparkdet.cli.MainTest.Result;
import sparkdet.testing.TestData;

/** evaluate --task segment as users run it: the golden numbers, the options, the exit codes. */
class EvaluateCommandTest {
    private static final Offset<Double> EXACT = Offset.offset(1e-9);

    @TempDir
    Path tmp;

    private static Path seed1() {
        return TestData.golden().resolve("seg/seed1");
    }

    private Result segment(Path gt, Path predictions, Path output, String... more) {
        List<String> argv = new ArrayList<>(List.of("evaluate", "--master", "local[2]", "--task", "segment", "--gt",
                gt.toString(), "--predictions", predictions.toString(), "--output", output.toString()));
        argv.addAll(Arrays.asList(more));
        return run(argv.toArray(String[]::new));
    }

    @Test
    void helpShowsBothTasksAndItsOptions() {
        Result help = run("evaluate", "--help");
        assertThat(help.code()).isZero();
        assertThat(help.out()).contains("sparkdet evaluate --task segment --gt PATH --predictions PATH --output URI")
                .contains("--task             detect (default)").contains("--split").contains("--classes");
    }

    @Test
    void theGoldenCaseGivesTheReferencesNumbersAndCsv() throws Exception {
        Path seed = seed1();
        JsonNode expected = new ObjectMapper().readTree(seed.resolve("expected.json").toFile());
        Path out = tmp.resolve("eval");
        Result r = segment(seed, seed.resolve("predictions"), out, "--mode", "cluster");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains(String.format(java.util.Locale.ROOT, "mIoU %.4f", expected.get("mIoU").asDouble()))
                .contains("cluster (");
        JsonNode m = new ObjectMapper().readTree(out.resolve("metrics.json").toFile()).get("segmentation");
        for (String key : List.of("mIoU", "mPA", "mPrecision", "accuracy")) {
            assertThat(m.get(key).asDouble()).as(key).isCloseTo(expected.get(key).asDouble(), EXACT);
        }
        assertThat(m.get("per_class").get("triangle").get("precision").asDouble())
                .isCloseTo(expected.get("per_class").get("triangle").get("precision").asDouble(), EXACT);
        assertThat(m.get("skipped").get(0).asText()).isEqualTo("img_0011");
        String csv = Files.readString(out.resolve("confusion_matrix.csv"));
        JsonNode row0 = expected.get("confusion_matrix").get(0);
        List<String> cells = new ArrayList<>(List.of("background"));
        row0.forEach(v -> cells.add(v.asText()));
        assertThat(csv).startsWith(" ,background,circle,square,triangle,strip,never-seen\r\n" + String.join(",", cells)
                + "\r\n");

        Result again = segment(seed, seed.resolve("predictions"), out);
        assertThat(again.code()).isEqualTo(2);
        assertThat(again.err()).contains("already exists").contains("--overwrite");
        assertThat(segment(seed, seed.resolve("predictions"), out, "--overwrite", "--mode", "local").code()).isZero();
    }

    @Test
    void optionsOfTheOtherTaskAndMissingClassesAreUsageErrors() throws Exception {
        Path seed = seed1();
        Path out = tmp.resolve("eval");
        Result detections = segment(seed, seed.resolve("predictions"), out, "--detections", "x.json");
        assertThat(detections.code()).isEqualTo(2);
        assertThat(detections.err()).contains("--detections does not apply to --task segment");
        Result predictions = run("evaluate", "--gt", "g.json", "--detections", "d.json", "--output", "o",
                "--predictions", "p");
        assertThat(predictions.code()).isEqualTo(2);
        assertThat(predictions.err()).contains("--predictions does not apply to --task detect");
        Result task = run("evaluate", "--task", "panoptic", "--gt", "g", "--output", "o");
        assertThat(task.code()).isEqualTo(2);
        assertThat(task.err()).contains("--task must be detect or segment, not 'panoptic'");

        Result noClasses = segment(seed.resolve("SegmentationClass"), seed.resolve("predictions"), out);
        assertThat(noClasses.code()).isEqualTo(2);
        assertThat(noClasses.err()).contains("--classes FILE is required");
        assertThat(out).doesNotExist();
        Result withClasses = segment(seed.resolve("SegmentationClass"), seed.resolve("predictions"), out, "--classes",
                seed.resolve("classes.txt").toString());
        assertThat(withClasses.code()).as(withClasses.err()).isZero();
        assertThat(withClasses.out()).contains("images=12, evaluated=11, skipped=1");
    }

    /**
     * Detection from the command line: its defaults, read from conf/sparkdet-defaults.conf
     * (sparkdet.evaluate), give the golden numbers (pycocotools' at maxDets 100, the devkit's at
     * IoU 0.5 with +1, precision, recall and F1 at score 0.5); the old spellings --score-threshold
     * and --max-dets mean --score and --ap-max-dets.
     */
    @Test
    void detectionDefaultsComeFromTheConfigurationAndTheOldSpellingsStillWork() throws Exception {
        Path seed = TestData.golden().resolve("eval/seed1");
        JsonNode expected = new ObjectMapper().readTree(seed.resolve("expected.json").toFile());
        JsonNode defaults = detect(seed, "defaults");
        for (int i = 0; i < 12; i++) {
            assertThat(defaults.get("coco").get("stats").get(i).asDouble()).as("COCO stat " + i)
                    .isCloseTo(expected.get("coco_bbox").get("stats").get(i).asDouble(), EXACT);
        }
        assertThat(defaults.get("coco").get("max_dets").asInt()).isEqualTo(100);
        JsonNode voc = expected.get("voc_iou50_plus1");
        assertThat(defaults.get("voc").get("iou").asDouble()).isEqualTo(0.5);
        assertThat(defaults.get("voc").get("plus1").asBoolean()).isTrue();
        assertThat(defaults.get("voc").get("mAP_all_point").asDouble()).isCloseTo(voc.get("mAP_all_point").asDouble(),
                EXACT);
        assertThat(defaults.get("at_threshold").get("per_class").get("cls01").get("f1").asDouble()).isCloseTo(
                voc.get("per_class").get("cls01").get("at_threshold").get("f1").asDouble(), EXACT);

        JsonNode canonical = detect(seed, "canonical", "--score", "0.9", "--ap-max-dets", "20");
        JsonNode old = detect(seed, "old", "--score-threshold", "0.9", "--max-dets", "20");
        assertThat(canonical.get("coco").get("max_dets").asInt()).isEqualTo(20);
        assertThat(canonical.get("at_threshold")).isNotEqualTo(defaults.get("at_threshold"));
        assertThat(old.get("at_threshold")).isEqualTo(canonical.get("at_threshold"));
        assertThat(old.get("coco").get("stats")).isEqualTo(canonical.get("coco").get("stats"));

        JsonNode configured = detect(seed, "configured", "--set", "evaluate.iou=0.7", "--set", "evaluate.metric=voc");
        assertThat(configured.get("voc").get("iou").asDouble()).isEqualTo(0.7);
        assertThat(configured.has("coco")).isFalse();
    }

    /** evaluate's metrics.json of the golden COCO files, run on the driver */
    private JsonNode detect(Path seed, String name, String... more) throws Exception {
        List<String> argv = new ArrayList<>(List.of("evaluate", "--master", "local[1]", "--mode", "local", "--gt",
                seed.resolve("gt.json").toString(), "--detections", seed.resolve("dt.json").toString(), "--output",
                tmp.resolve(name).toString()));
        argv.addAll(Arrays.asList(more));
        Result r = run(argv.toArray(String[]::new));
        assertThat(r.code()).as(r.err()).isZero();
        return new ObjectMapper().readTree(tmp.resolve(name + "/metrics.json").toFile());
    }

    /** exit 3 naming the file, and nothing written */
    private void assertUnusable(Path gt, Path predictions, String... inMessage) {
        Path out = tmp.resolve("refused");
        Result r = segment(gt, predictions, out);
        assertThat(r.code()).as(r.err()).isEqualTo(3);
        assertThat(r.err()).contains(inMessage);
        assertThat(out).doesNotExist();
    }

    @Test
    void unusableMasksExitWithThreeNamingTheFile() throws Exception {
        Path c = MainTest.copyTree(seed1(), tmp.resolve("case"));  // a writable copy, to break
        Files.delete(c.resolve("predictions/img_0004.png"));
        assertUnusable(c, c.resolve("predictions"), "predictions", "lack 1 of the 12 masks", "img_0004.png");
        Files.copy(seed1().resolve("predictions/img_0004.png"), c.resolve("predictions/img_0004.png"));

        Files.move(c.resolve("SegmentationClass/img_0002.png"), tmp.resolve("img_0002.png"));
        assertUnusable(c, c.resolve("predictions"), "SegmentationClass", "img_0002.png", "val.txt");
        Files.move(tmp.resolve("img_0002.png"), c.resolve("SegmentationClass/img_0002.png"));

        BufferedImage rgb = new BufferedImage(64, 48, BufferedImage.TYPE_INT_RGB);
        ImageIO.write(rgb, "png", c.resolve("SegmentationClass/img_0003.png").toFile());
        assertUnusable(c, c.resolve("predictions"), "label mask", "img_0003.png", "8-bit RGB",
                "one class index per pixel");
        Files.copy(seed1().resolve("SegmentationClass/img_0003.png"), c.resolve("SegmentationClass/img_0003.png"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);

        byte[] whole = Files.readAllBytes(seed1().resolve("predictions/img_0005.png"));
        Files.write(c.resolve("predictions/img_0005.png"), Arrays.copyOf(whole, whole.length / 2));
        assertUnusable(c, c.resolve("predictions"), "prediction mask", "img_0005.png", "truncated");
    }
}
