package sparkdet.ingest;

import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sparkdet.data.ClassList;
import sparkdet.data.DatasetLayout;
import sparkdet.data.DatasetStats;
import sparkdet.data.Quarantined;
import sparkdet.io.AtomicOutput;
import sparkdet.io.HadoopConf;
import sparkdet.io.InputUnusableException;
import sparkdet.io.Storage;
import sparkdet.viz.StatsPlot;

/**
 * Annotations in, a dataset out: read the format, then validate every record and write its row
 * in one pass on the executors ({@link ValidationPass}), then classes.txt, stats.json, stats.png
 * and quarantine.jsonl; all into a staging folder that moves into place only when complete.
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
        AtomicOutput out = AtomicOutput.begin(storage, Storage.path(req.output()), req.overwrite(), req.input(),
                req.images(), req.classesFile());
        try {
            SourceData<?> source = new SourceReaders(jsc, storage, req).read();
            timings.put("read", seconds(start));
            long t = System.nanoTime();
            Path parts = out.resolve(ValidationPass.PARTS);
            MaskChecks masks = source.masks() == null ? null : new MaskChecks(source.masks(), req.binaryMask(),
                    out.resolve(DatasetLayout.MASKS), new Path(out.target(), DatasetLayout.MASKS), req.pixelLimit(),
                    new HadoopConf(storage.conf()));
            int partitions = runPass(source, req, masks, out.resolve(DatasetLayout.DATA), parts, storage);
            timings.put("validate_write", seconds(t));
            LOG.info("validated and wrote {} partitions in {} s", partitions, timings.get("validate_write"));

            t = System.nanoTime();
            Merged merged = mergeParts(storage, parts, partitions, source.quarantined(),
                    out.resolve(DatasetLayout.QUARANTINE), new DatasetStats(masks != null));
            ClassList classes = merged.classes();
            DatasetStats stats = merged.stats();
            storage.writeText(out.resolve(DatasetLayout.CLASSES), classes.toText());
            storage.writeText(out.resolve(DatasetLayout.STATS), stats.toJson(classes));
            try (OutputStream png = storage.create(out.resolve(DatasetLayout.STATS_PLOT))) {
                if (stats.segmentation()) {
                    StatsPlot.writeSegmentation(stats.pixelsPerClass(classes), stats.masksPerClass(classes), png);
                } else {
                    StatsPlot.write(stats.perClassCounts(classes), stats.sizeHistogram(), png);
                }
            }
            out.commit();
            timings.put("stats_commit", seconds(t));
            timings.put("total", seconds(start));
            return new IngestSummary(out.target(), classes, stats, timings);
        } catch (IOException | RuntimeException e) {
            out.abort();
            throw e;
        }
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    private static <T> int runPass(SourceData<T> source, IngestRequest req, MaskChecks masks, Path data, Path parts,
                                   Storage storage) {
        source.units().foreachPartition(new ValidationPass<>(source.reader(), source.classes(), req.clipTolerance(),
                source.checkImages(), req.pixelLimit(), data, parts, new HadoopConf(storage.conf()), masks));
        return source.units().getNumPartitions();
    }

    /** what the partitions reported, merged */
    private record Merged(DatasetStats stats, ClassList classes) {
    }

    /**
     * quarantine.jsonl (the driver's problems first, then each partition's in order), the merged
     * stats (into {@code stats}) and the classes, from the side files of the validation pass,
     * which are then removed
     *
     * @throws InputUnusableException when a partition found the input unusable
     */
    private static Merged mergeParts(Storage storage, Path parts, int partitions, List<Quarantined> driverSide,
                                     Path quarantineFile, DatasetStats stats) throws IOException {
        for (int i = 0; i < partitions; i++) {
            Path error = ValidationPass.errorPart(parts, i);
            if (storage.exists(error)) {
                throw new InputUnusableException(new String(storage.readBytes(error, 1 << 20),
                        java.nio.charset.StandardCharsets.UTF_8));
            }
        }
        ClassList classes = null;
        try (OutputStream os = storage.create(quarantineFile)) {
            try (QuarantineLog log = new QuarantineLog(new NonClosing(os))) {
                for (Quarantined q : driverSide) {
                    log.write(q);
                    stats.addQuarantined(q.reason);
                }
            }
            for (int i = 0; i < partitions; i++) {
                try (InputStream in = storage.open(ValidationPass.quarantinePart(parts, i))) {
                    in.transferTo(os);
                }
                try (ObjectInputStream in = new ObjectInputStream(storage.open(ValidationPass.reportPart(parts, i)))) {
                    ValidationPass.Report report = (ValidationPass.Report) in.readObject();
                    stats.merge(report.stats());
                    if (classes != null && !classes.equals(report.classes())) {
                        throw new IllegalStateException("partitions disagree on the classes: " + classes
                                + " and " + report.classes());
                    }
                    classes = report.classes();
                } catch (ClassNotFoundException e) {
                    throw new IOException("unreadable report of partition " + i, e);
                }
            }
        }
        storage.fs(parts).delete(parts, true);
        return new Merged(stats, classes);
    }

    /** lets a log close its JSON generator without closing the file it shares */
    private static final class NonClosing extends java.io.FilterOutputStream {
        NonClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
