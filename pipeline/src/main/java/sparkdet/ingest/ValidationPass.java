package sparkdet.ingest;

import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.util.Iterator;
import java.util.Locale;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.VoidFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sparkdet.data.ClassList;
import sparkdet.data.DatasetParquet;
import sparkdet.data.DatasetStats;
import sparkdet.data.DatasetWarning;
import sparkdet.data.ImageRecord;
import sparkdet.data.Quarantined;
import sparkdet.image.PixelLimit;
import sparkdet.io.HadoopConf;
import sparkdet.io.InputUnusableException;
import sparkdet.io.Storage;

/**
 * Reading, validation, stats and quarantine in the one pass that writes the Parquet rows:
 * nothing is cached, so memory stays at a partition's worth whatever the dataset's size. Each
 * partition writes its own Parquet file and leaves its quarantine lines, its stats and classes
 * (or the reason its input is unusable) as side files, all named by partition number (a retried
 * task rewrites the same files); the driver merges the side files after the pass.
 */
final class ValidationPass<T> implements VoidFunction<Iterator<T>> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ValidationPass.class);
    static final String PARTS = "_parts";

    /** what a partition reports to the driver */
    record Report(DatasetStats stats, ClassList classes) implements Serializable {
    }

    private final PartitionReader<T> reader;
    private final ClassList fixedClasses;
    private final double clipTolerance;
    private final boolean checkImages;
    private final PixelLimit pixelLimit;
    private final String dataDir;
    private final String partsDir;
    private final HadoopConf hadoop;
    private final MaskChecks masks;

    /**
     * @param fixedClasses the classes decided before the pass, or null to take each partition's
     *     own (COCO's categories)
     * @param masks the checks of each row's mask in a segmentation dataset, or null
     */
    ValidationPass(PartitionReader<T> reader, ClassList fixedClasses, double clipTolerance, boolean checkImages,
                   PixelLimit pixelLimit, Path dataDir, Path partsDir, HadoopConf hadoop, MaskChecks masks) {
        this.reader = reader;
        this.fixedClasses = fixedClasses;
        this.clipTolerance = clipTolerance;
        this.checkImages = checkImages;
        this.pixelLimit = pixelLimit;
        this.dataDir = dataDir.toString();
        this.partsDir = partsDir.toString();
        this.hadoop = hadoop;
        this.masks = masks;
    }

    static Path quarantinePart(Path partsDir, int partition) {
        return part(partsDir, "quarantine-%05d.jsonl", partition);
    }

    static Path reportPart(Path partsDir, int partition) {
        return part(partsDir, "report-%05d.bin", partition);
    }

    static Path errorPart(Path partsDir, int partition) {
        return part(partsDir, "error-%05d.txt", partition);
    }

    private static Path part(Path dir, String pattern, int partition) {
        return new Path(dir, String.format(Locale.ROOT, pattern, partition));
    }

    @Override
    public void call(Iterator<T> units) throws IOException {
        int partition = TaskContext.getPartitionId();
        Storage storage = new Storage(hadoop.get());
        Path parts = new Path(partsDir);
        long t0 = System.nanoTime();
        PartitionReader.Input input;
        try {
            input = reader.read(units);
        } catch (InputUnusableException e) {
            storage.writeText(errorPart(parts, partition), e.getMessage());
            return;
        }
        long t1 = System.nanoTime();
        ClassList classes = fixedClasses != null ? fixedClasses : input.classes();
        RecordValidator validator = new RecordValidator(classes, clipTolerance, checkImages, pixelLimit, hadoop,
                masks);
        DatasetStats stats = new DatasetStats(masks != null);
        Path file = new Path(dataDir, String.format(Locale.ROOT, "part-%05d.zstd.parquet", partition));
        try (QuarantineLog log = new QuarantineLog(storage.create(quarantinePart(parts, partition)));
             ParquetWriter<ImageRecord> rows = DatasetParquet.open(file, hadoop.get())) {
            Iterator<IngestItem> items = input.items();
            while (items.hasNext()) {
                RecordValidator.Validated v = validator.validate(items.next());
                for (Quarantined q : v.item().quarantined) {
                    log.write(q);
                    stats.addQuarantined(q.reason);
                }
                stats.addClipped(v.clipped());
                for (DatasetWarning w : v.warnings()) {
                    stats.addWarning(w);
                }
                if (v.item().record != null) {
                    stats.addImage(v.item().record);
                    rows.write(v.item().record);
                }
            }
        }
        try (ObjectOutputStream oos = new ObjectOutputStream(storage.create(reportPart(parts, partition)))) {
            oos.writeObject(new Report(stats, classes));
        }
        LOG.debug("partition {}: {} images, {} objects, {} quarantined; opened in {} s, done in {} s", partition,
                stats.images(), stats.objects(), stats.quarantined(), String.format(Locale.ROOT, "%.2f", (t1 - t0) / 1e9),
                String.format(Locale.ROOT, "%.2f", (System.nanoTime() - t0) / 1e9));
    }
}
