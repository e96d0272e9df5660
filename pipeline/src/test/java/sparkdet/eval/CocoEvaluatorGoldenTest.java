package sparkdet.eval;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.List;
import java.util.Objects;

import org.assertj.core.data.Offset;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import sparkdet.data.ImageRecord;
import sparkdet.ingest.CocoParser;
import sparkdet.testing.TestData;

/** pycocotools' numbers on the golden cases, to 1e-9. */
class CocoEvaluatorGoldenTest {
    private static final Offset<Double> EXACT = Offset.offset(1e-9);

    static CocoMetrics evaluate(java.nio.file.Path gtFile, java.nio.file.Path dtFile) throws Exception {
        CocoParser.Result parsed;
        try (InputStream in = Files.newInputStream(gtFile)) {
            parsed = new CocoParser(0, 1).parse(in, gtFile.toString(), new org.apache.hadoop.fs.Path("file:/images"), null);
        }
        List<ImageRecord> images = parsed.items().stream().map(i -> i.record).filter(Objects::nonNull).toList();
        EvalData gt = new EvalData(images, parsed.categoryClasses(), parsed.categoryIds());
        CocoResultsReader.Result dt;
        try (InputStream in = Files.newInputStream(dtFile)) {
            dt = CocoResultsReader.read(in, dtFile.toString(), gt.imageByCocoId(), gt.classByCategoryId());
        }
        CocoEvaluator evaluator = new CocoEvaluator(gt.images().size(), gt.categoryIds());
        evaluator.evaluate(gt.boxes(), dt.detections());
        return evaluator.summarize();
    }

    @ParameterizedTest
    @ValueSource(strings = {"seed1", "seed2", "seed3"})
    void matchesPycocotools(String seed) throws Exception {
        java.nio.file.Path dir = TestData.golden().resolve("eval").resolve(seed);
        JsonNode expected = new ObjectMapper().readTree(dir.resolve("expected.json").toFile()).get("coco_bbox");
        CocoMetrics m = evaluate(dir.resolve("gt.json"), dir.resolve("dt.json"));
        for (int i = 0; i < 12; i++) {
            assertThat(m.stats()[i]).as(CocoMetrics.NAMES[i]).isCloseTo(expected.get("stats").get(i).asDouble(), EXACT);
        }
        JsonNode perCategory = expected.get("per_category");
        assertThat(m.perCategory()).hasSize(perCategory.size());
        perCategory.fields().forEachRemaining(e -> {
            double[] v = m.perCategory().get(Long.parseLong(e.getKey()));
            assertThat(v[0]).as(e.getKey() + " AP").isCloseTo(e.getValue().get("AP").asDouble(), EXACT);
            assertThat(v[1]).as(e.getKey() + " AP50").isCloseTo(e.getValue().get("AP50").asDouble(), EXACT);
            assertThat(v[2]).as(e.getKey() + " AP75").isCloseTo(e.getValue().get("AP75").asDouble(), EXACT);
        });
    }

    /**
     * the COCO-val2017-sized case (5000 images, 80 classes, 500k detections), regenerated with the
     * golden generator as large-seed100/expected.json names it
     */
    @org.junit.jupiter.api.Test
    void largeCaseMatchesPycocotools(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws Exception {
        java.nio.file.Path golden = TestData.golden().resolve("eval");
        JsonNode expected = new ObjectMapper().readTree(golden.resolve("large-seed100/expected.json").toFile());
        List<String> cmd = new java.util.ArrayList<>(List.of("python3", golden.resolve("gen_case.py").toString()));
        String[] args = expected.get("generate").asText().split(" ");
        for (int i = 2; i < args.length; i++) {
            cmd.add(args[i].equals("DIR") ? tmp.toString() : args[i]);
        }
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(out).isZero();
        CocoMetrics m = evaluate(tmp.resolve("gt.json"), tmp.resolve("dt.json"));
        for (int i = 0; i < 12; i++) {
            assertThat(m.stats()[i]).as(CocoMetrics.NAMES[i])
                    .isCloseTo(expected.get("coco_bbox").get("stats").get(i).asDouble(), EXACT);
        }
    }
}
