package sparkdet.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import sparkdet.data.Datasets;
import sparkdet.data.DatasetSchema;
import sparkdet.data.ImageRecord;
import sparkdet.testing.TestSpark;

/** Running ingest in tests and reading back what it wrote. */
final class IngestFixtures {
    private IngestFixtures() {
    }

    static IngestSummary ingest(IngestFormat format, Path input, String images, String split, Path classes,
                                Path output, String... settings) throws IOException {
        return run(request(format, input, images, split, classes, output, settings));
    }

    /** what {@link #ingest} runs, to be adjusted first (task, --binary-mask) */
    static IngestRequest request(IngestFormat format, Path input, String images, String split, Path classes,
                                 Path output, String... settings) {
        List<String> overrides = new ArrayList<>(List.of("spark.master=local[2]"));
        overrides.addAll(List.of(settings));
        return IngestRequest.of(format, input.toString(), images, split, classes == null ? null : classes.toString(),
                output.toString(), false, sparkdet.config.Settings.load(null, overrides));
    }

    static IngestSummary run(IngestRequest req) throws IOException {
        return new IngestJob(TestSpark.session()).run(req);
    }

    /** the rows of a written dataset, by image id */
    static Map<String, ImageRecord> records(Path dataset) throws IOException {
        Map<String, ImageRecord> out = new TreeMap<>();
        Datasets ds = Datasets.open(TestSpark.session(), dataset.toString());
        ds.rows().collectAsList().forEach(r -> {
            ImageRecord rec = DatasetSchema.fromRow(r);
            out.put(rec.imageId, rec);
        });
        return out;
    }

    static JsonNode json(Path file) throws IOException {
        return new ObjectMapper().readTree(file.toFile());
    }

    /** quarantine.jsonl as (reason, source, detail) rows */
    static List<JsonNode> quarantine(Path dataset) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        ObjectMapper m = new ObjectMapper();
        for (String line : Files.readAllLines(dataset.resolve("quarantine.jsonl"), StandardCharsets.UTF_8)) {
            if (!line.isBlank()) {
                out.add(m.readTree(line));
            }
        }
        out.sort(Comparator.comparing(n -> n.get("source").asText()));
        return out;
    }

    /** every file below a folder, read as bytes and decoded leniently: to search outputs for leaks */
    static String allText(Path dir) throws IOException {
        StringBuilder sb = new StringBuilder();
        try (var files = Files.walk(dir)) {
            for (Path p : files.filter(Files::isRegularFile).toList()) {
                sb.append(new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1));
            }
        }
        return sb.toString();
    }
}
