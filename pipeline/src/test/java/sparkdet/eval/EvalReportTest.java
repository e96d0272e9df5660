package sparkdet.eval;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sparkdet.io.Storage;
import sparkdet.testing.TestData;

/** The files evaluate writes beside metrics.json, checked against the numbers they show. */
class EvalReportTest {
    @TempDir
    Path tmp;

    @Test
    void curvesConfusionMatrixAndPerImageCountsAgreeWithTheMetrics() throws Exception {
        Path seed = TestData.golden().resolve("eval/seed1");
        Path out = tmp.resolve("eval");
        new EvalJob(new Storage(new Configuration()), () -> {
            throw new IllegalStateException("no Spark needed");
        }).run(new EvalRequest(seed.resolve("gt.json").toString(), seed.resolve("dt.json").toString(), out.toString(),
                "all", 0.5, 0.5, true, false));
        JsonNode expected = new ObjectMapper().readTree(seed.resolve("expected.json").toFile()).get("voc_iou50_plus1")
                .get("per_class");

        List<String> pr = Files.readAllLines(out.resolve("pr_curves/cls01.csv"));
        assertThat(pr.get(0)).isEqualTo("recall,precision,score");
        assertThat(pr).hasSize(1 + expected.get("cls01").get("ndet").asInt());
        String[] last = pr.get(pr.size() - 1).split(",");
        assertThat(Double.parseDouble(last[0])).isEqualTo(expected.get("cls01").get("recall_final").asDouble());
        for (String png : List.of("pr_curves/cls01.png", "pr_curves/all.png", "f1_curve.png", "confusion_matrix.png")) {
            BufferedImage img = ImageIO.read(out.resolve(png).toFile());
            assertThat(img.getWidth()).as(png).isGreaterThan(400);
        }

        List<String> f1 = Files.readAllLines(out.resolve("f1_curve.csv"));
        assertThat(f1.get(0)).isEqualTo("score_threshold,cls01,cls02,cls04,cls05,cls06,mean");
        String[] atHalf = f1.get(51).split(",");
        assertThat(Double.parseDouble(atHalf[0])).isEqualTo(0.5);
        assertThat(Double.parseDouble(atHalf[1])).as("F1 of cls01 at 0.5, as metrics.json has it")
                .isCloseTo(expected.get("cls01").get("at_threshold").get("f1").asDouble(),
                        org.assertj.core.data.Offset.offset(1e-12));

        List<String> cm = Files.readAllLines(out.resolve("confusion_matrix.csv"));
        assertThat(cm.get(0)).isEqualTo("truth\\predicted,cls01,cls02,cls04,cls05,cls06,background");
        long[] row = java.util.Arrays.stream(cm.get(1).split(",")).skip(1).mapToLong(Long::parseLong).toArray();
        assertThat(java.util.Arrays.stream(row).sum()).as("every non-difficult cls01 box lands in one cell")
                .isEqualTo(expected.get("cls01").get("npos").asLong());
        long predicted = 0;
        for (int r = 1; r < cm.size(); r++) {
            predicted += Long.parseLong(cm.get(r).split(",")[1]);
        }
        long confident = 0;
        for (JsonNode d : new ObjectMapper().readTree(seed.resolve("dt.json").toFile())) {
            if (d.get("category_id").asInt() == 1 && d.get("score").asDouble() >= 0.5) {
                confident++;
            }
        }
        assertThat(predicted).as("cls01 detections >= 0.5, less those taken by difficult boxes")
                .isLessThanOrEqualTo(confident).isGreaterThan(confident - expected.get("cls01").get("n_difficult").asLong() - 1);

        assertPerImageSplitsTheConfusionMatrix(seed, out, cm);
    }

    /** per_image.csv: one row per ground-truth image in COCO id order, its counts summing to the matrix's */
    private static void assertPerImageSplitsTheConfusionMatrix(Path seed, Path out, List<String> cm) throws Exception {
        List<String> rows = Files.readAllLines(out.resolve("per_image.csv"));
        assertThat(rows.get(0)).isEqualTo(
                "coco_image_id,file_name,objects,detections,correct,wrong_class,missed,false_positives");
        JsonNode gtImages = new ObjectMapper().readTree(seed.resolve("gt.json").toFile()).get("images");
        List<Long> ids = new java.util.ArrayList<>();
        gtImages.forEach(i -> ids.add(i.get("id").asLong()));
        ids.sort(null);
        assertThat(rows).hasSize(1 + ids.size());
        long[][] matrix = cm.stream().skip(1).map(line -> java.util.Arrays.stream(line.split(",")).skip(1)
                .mapToLong(Long::parseLong).toArray()).toArray(long[][]::new);
        int bg = matrix.length - 1;
        long correct = 0;
        long wrong = 0;
        long missed = 0;
        long falsePositives = 0;
        for (int r = 0; r < bg; r++) {
            missed += matrix[r][bg];
            falsePositives += matrix[bg][r];
            for (int c = 0; c < bg; c++) {
                if (r == c) {
                    correct += matrix[r][c];
                } else {
                    wrong += matrix[r][c];
                }
            }
        }
        long[] sums = new long[6];
        for (int i = 1; i < rows.size(); i++) {
            String[] f = rows.get(i).split(",");
            assertThat(Long.parseLong(f[0])).as("row %d in image id order", i).isEqualTo(ids.get(i - 1));
            long[] n = java.util.Arrays.stream(f).skip(2).mapToLong(Long::parseLong).toArray();
            assertThat(n[0]).as("objects = correct + wrong class + missed, " + rows.get(i)).isEqualTo(n[2] + n[3] + n[4]);
            assertThat(n[1]).as("detections hold the matched and the false ones, " + rows.get(i))
                    .isGreaterThanOrEqualTo(n[2] + n[3] + n[5]);
            for (int c = 0; c < 6; c++) {
                sums[c] += n[c];
            }
        }
        assertThat(new long[] {sums[2], sums[3], sums[4], sums[5]}).as("correct, wrong class, missed, false positives")
                .containsExactly(correct, wrong, missed, falsePositives);
        assertThat(sums[4]).as("a case with misses").isPositive();
        assertThat(sums[5]).as("and with false positives").isPositive();
    }

    @Test
    void classNamesNeverBecomeFolders() {
        assertThat(SafeNames.of(List.of("tv/monitor", "potted plant", "tv_monitor", "..", "猫")))
                .containsExactly("tv_monitor", "potted_plant", "tv_monitor_2", "_", "__4");
        String longName = "x".repeat(300);
        assertThat(SafeNames.of(List.of(longName, longName + "y", "All", "all"), "all"))
                .as("cut to a length every file system takes, then told apart; the report's own name kept free")
                .containsExactly("x".repeat(100), "x".repeat(100) + "_1", "All_2", "all_3");
    }
}
