package sparkdet.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sparkdet.data.ClassList;
import sparkdet.data.DatasetLayout;
import sparkdet.data.DatasetSchema;
import sparkdet.data.DatasetStats;
import sparkdet.data.Quarantined;
import sparkdet.io.AtomicOutput;
import sparkdet.io.HadoopConf;
import sparkdet.io.Storage;
import sparkdet.viz.StatsPlot;

/**
 * Annotations in, a dataset out: read the format, validate every record on the executors, write
 * the Parquet rows, classes.txt, stats.json, stats.png and quarantine.jsonl into a staging folder,
 * and move it into place only when all of it is written.
 */
public final class IngestJob {
    private static final Logger LOG = LoggerFactory.getLogger(IngestJob.class);

    private final SparkSession spark;

    public IngestJob(SparkSession spark) {
        this.spark = spark;
    }

    public IngestSummary run(IngestRequest req) throws IOException {
        long start = System.nanoTime();
        Map<String, Double> timings = new LinkedHashMap<>();
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Storage storage = new Storage(spark.sparkContext().hadoopConfiguration());
        AtomicOutput out = AtomicOutput.begin(storage, Storage.path(req.output()), req.overwrite());
        JavaRDD<IngestItem> items = null;
        JavaRDD<RecordValidator.Validated> validated = null;
        try {
            SourceData source = new SourceReaders(jsc, storage, req).read();
            items = source.items();
            ClassList classes = source.classes();
            if (classes == null) {
                items = items.persist(StorageLevel.MEMORY_AND_DISK());
                classes = ClassList.sortedOf(SourceReaders.distinctLabels(items));
                LOG.info("classes from the labels, sorted: {}", classes.names());
            }
            timings.put("read", seconds(start));

            RecordValidator validator = new RecordValidator(classes, req.clipTolerance(),
                    source.checkImages(), new HadoopConf(storage.conf()));
            validated = items.map(validator::validate).persist(StorageLevel.MEMORY_AND_DISK());
            long t = System.nanoTime();
            JavaRDD<Row> rows = validated.filter(v -> v.item().record != null)
                    .map(v -> DatasetSchema.toRow(v.item().record));
            spark.createDataFrame(rows, DatasetSchema.IMAGE).write()
                    .parquet(out.resolve(DatasetLayout.DATA).toString());
            timings.put("validate_write", seconds(t));
            LOG.info("rows written in {} s", timings.get("validate_write"));

            t = System.nanoTime();
            DatasetStats stats = validated.mapPartitions(it -> {
                DatasetStats s = new DatasetStats();
                while (it.hasNext()) {
                    RecordValidator.Validated v = it.next();
                    if (v.item().record != null) {
                        s.addImage(v.item().record);
                    }
                    s.addClipped(v.clipped());
                }
                return List.of(s).iterator();
            }).reduce(DatasetStats::merge);
            writeQuarantine(storage, out.resolve(DatasetLayout.QUARANTINE), source.quarantined(),
                    validated.flatMap(v -> v.item().quarantined.iterator()).toLocalIterator(), stats);
            storage.writeText(out.resolve(DatasetLayout.CLASSES), classes.toText());
            storage.writeText(out.resolve(DatasetLayout.STATS), stats.toJson(classes));
            try (OutputStream png = storage.create(out.resolve(DatasetLayout.STATS_PLOT))) {
                StatsPlot.write(stats.perClassCounts(classes), stats.sizeHistogram(), png);
            }
            out.commit();
            timings.put("stats_commit", seconds(t));
            timings.put("total", seconds(start));
            return new IngestSummary(out.target(), classes, stats, timings);
        } catch (IOException | RuntimeException e) {
            out.abort();
            throw e;
        } finally {
            if (validated != null) {
                validated.unpersist(false);
            }
            if (items != null) {
                items.unpersist(false);
            }
        }
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    /** one JSON object a line, driver-side problems first, counted into the stats as written */
    private static void writeQuarantine(Storage storage, Path file, List<Quarantined> first,
                                        Iterator<Quarantined> rest, DatasetStats stats) throws IOException {
        List<Iterator<Quarantined>> parts = new ArrayList<>(List.of(first.iterator(), rest));
        try (OutputStream os = storage.create(file);
             JsonGenerator g = new JsonFactory().createGenerator(os)) {
            g.setRootValueSeparator(new com.fasterxml.jackson.core.io.SerializedString("\n"));
            long written = 0;
            for (Iterator<Quarantined> it : parts) {
                while (it.hasNext()) {
                    Quarantined q = it.next();
                    g.writeStartObject();
                    g.writeStringField("source", q.source);
                    g.writeStringField("reason", q.reason.code());
                    g.writeStringField("detail", q.detail);
                    g.writeEndObject();
                    stats.addQuarantined(q.reason);
                    written++;
                }
            }
            if (written > 0) {
                g.writeRaw('\n');
            }
        }
    }
}
