package sparkdet.ingest;

import java.util.Map;
import org.apache.hadoop.fs.Path;
import sparkdet.data.ClassList;
import sparkdet.data.DatasetStats;

/** The result of an ingest: where it went, what it holds, how long each stage took (seconds). */
public record IngestSummary(Path output, ClassList classes, DatasetStats stats, Map<String, Double> timings) {
}
