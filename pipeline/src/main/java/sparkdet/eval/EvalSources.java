package sparkdet.eval;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sparkdet.data.BoxObject;
import sparkdet.data.ClassList;
import sparkdet.data.DatasetSchema;
import sparkdet.data.Datasets;
import sparkdet.data.ImageRecord;
import sparkdet.ingest.CocoParser;
import sparkdet.ingest.IngestItem;
import sparkdet.ingest.VocLayout;
import sparkdet.ingest.VocParser;
import sparkdet.io.AtomicOutput;
import sparkdet.io.HadoopConf;
import sparkdet.io.InputUnusableException;
import sparkdet.io.Storage;

/**
 * Ground truth and detections for evaluate, whatever form they come in. Ground truth is read by
 * the ingest parsers (never validated away: the references evaluate what the file says).
 */
public final class EvalSources {
    private static final Logger LOG = LoggerFactory.getLogger(EvalSources.class);
    private static final long MAX_XML_BYTES = 16L << 20;

    private final Storage storage;
    private final Supplier<SparkSession> spark;

    /** @param spark a session, made only when an ingested dataset is read */
    public EvalSources(Storage storage, Supplier<SparkSession> spark) {
        this.storage = storage;
        this.spark = spark;
    }

    /** a COCO instances JSON, a VOC root or Annotations folder, or a dataset written by ingest */
    public EvalData groundTruth(String uri) throws IOException {
        Path p = Storage.path(uri);
        if (!storage.exists(p)) {
            throw new InputUnusableException("ground truth " + p + " does not exist");
        }
        if (!storage.isDirectory(p)) {
            return cocoGroundTruth(p);
        }
        if (isDataset(storage, p)) {
            return datasetGroundTruth(uri);
        }
        return vocGroundTruth(p);
    }

    /** whether a folder is a dataset written by ingest (complete: its _SUCCESS is there) */
    static boolean isDataset(Storage storage, Path dir) throws IOException {
        return storage.exists(new Path(dir, AtomicOutput.SUCCESS)) && storage.exists(new Path(dir, "data"));
    }

    private EvalData cocoGroundTruth(Path p) throws IOException {
        CocoParser.Result parsed;
        try (InputStream in = storage.open(p)) {
            parsed = new CocoParser(0, 1).parse(in, p.toString(), p.getParent(), null);
        } catch (IOException e) {
            throw new InputUnusableException(p + " is not a COCO instances file: " + e.getMessage(), e);
        }
        List<ImageRecord> images = new ArrayList<>();
        for (IngestItem item : parsed.items()) {
            if (item.record != null) {
                images.add(item.record);
            }
            item.quarantined.forEach(q -> LOG.warn("ground truth: {}", q));
        }
        return new EvalData(images, parsed.categoryClasses(), parsed.categoryIds());
    }

    private EvalData vocGroundTruth(Path p) throws IOException {
        VocLayout layout = VocLayout.of(storage, p);
        Path annotations = layout.annotations();
        List<Path> files = storage.listFiles(annotations, ".xml");
        if (files.isEmpty()) {
            throw new InputUnusableException("no .xml annotation files under " + annotations);
        }
        VocParser parser = new VocParser();
        List<ImageRecord> images = new ArrayList<>();
        for (Path f : files) {
            IngestItem item = parser.parse(storage.readBytes(f, MAX_XML_BYTES), f.toString(), layout.images(), null);
            item.quarantined.forEach(q -> LOG.warn("ground truth: {}", q));
            if (item.record != null) {
                images.add(item.record);
            }
        }
        Path classesFile = new Path(layout.root(), "classes.txt");
        ClassList classes;
        if (storage.exists(classesFile)) {
            classes = ClassList.parse(new String(storage.readBytes(classesFile, MAX_XML_BYTES), StandardCharsets.UTF_8));
        } else {
            List<String> labels = new ArrayList<>();
            images.forEach(r -> r.objects.forEach(o -> labels.add(o.label)));
            classes = ClassList.sortedOf(labels);
        }
        List<ImageRecord> indexed = new ArrayList<>(images.size());
        for (ImageRecord r : images) {
            List<BoxObject> objects = new ArrayList<>(r.objects.size());
            for (BoxObject o : r.objects) {
                int c = classes.indexOf(o.label);
                if (c < 0) {
                    LOG.warn("ground truth: {} has label '{}', which is not in {}", r.source, o.label, classesFile);
                } else {
                    objects.add(o.withClass(c, o.label));
                }
            }
            indexed.add(r.withObjects(objects));
        }
        return new EvalData(indexed, classes, null);
    }

    private EvalData datasetGroundTruth(String uri) throws IOException {
        Datasets ds = Datasets.open(spark.get(), uri);
        List<ImageRecord> images = new ArrayList<>();
        ds.rows().toLocalIterator().forEachRemaining(row -> images.add(DatasetSchema.fromRow(row)));
        Map<Integer, Long> idByClass = new HashMap<>();
        for (ImageRecord r : images) {
            for (BoxObject o : r.objects) {
                if (o.categoryId >= 0) {
                    idByClass.merge(o.classIndex, o.categoryId, Math::max);
                }
            }
        }
        return new EvalData(images, ds.classes(), EvalData.categoryIds(idByClass, ds.classes().size()));
    }

    /**
     * the ground truth for the cluster path: an ingested dataset is read by the tasks (the driver
     * keeps its class list and counts); a COCO JSON or a VOC folder is parsed here, as for the
     * single-machine path, and handed to them
     */
    ClusterInputs.GroundTruth clusterGroundTruth(String uri, ClusterInputs inputs) throws IOException {
        Path p = Storage.path(uri);
        if (storage.isDirectory(p) && isDataset(storage, p)) {
            Datasets ds = Datasets.open(spark.get(), uri);
            return inputs.groundTruth(ds.rows().javaRDD().map(DatasetSchema::fromRow), ds.classes(), null);
        }
        EvalData gt = groundTruth(uri);
        return inputs.groundTruth(gt.images(), gt.classes(), gt.categoryIds());
    }

    /** detections and what was left out of them */
    public record Detections(BoxTable boxes, long unknownClass, long unknownImage) {
    }

    /**
     * a COCO results JSON, a folder of get_map.py txt files, or a predict output (its
     * detections.json), read here
     */
    public Detections detections(String uri, EvalData gt) throws IOException {
        Path p = detectionsPath(uri);
        if (!storage.isDirectory(p)) {
            try (InputStream in = storage.open(p)) {
                CocoResultsReader.Result r = CocoResultsReader.read(in, p.toString(), CocoResultsReader.Keys.of(gt));
                return new Detections(r.detections(), r.unknownCategory(), 0);
            } catch (IOException e) {
                throw new InputUnusableException(e.getMessage(), e);
            }
        }
        DetectionTxtReader reader = new DetectionTxtReader(gt.classes(), gt.imageByStem());
        for (Path f : storage.listFiles(p, ".txt")) {
            try {
                reader.read(f.getName(), new String(storage.readBytes(f, MAX_XML_BYTES), StandardCharsets.UTF_8),
                        f.toString());
            } catch (IOException e) {
                throw new InputUnusableException(e.getMessage(), e);
            }
        }
        return new Detections(reader.detections(), reader.unknownClass(), reader.unknownImage());
    }

    /**
     * the same detections for the cluster path, read by the tasks and matched to their images by
     * Spark joins
     */
    ClusterInputs.Detections clusterDetections(String uri, ClusterInputs.GroundTruth gt, ClusterInputs inputs)
            throws IOException {
        Path p = detectionsPath(uri);
        HadoopConf hadoop = new HadoopConf(storage.conf());
        if (!storage.isDirectory(p)) {
            return inputs.byImage(inputs.cocoResults(p.toString(), hadoop, ClassKeys.of(gt.classes(), gt.categoryIds())),
                    gt, List.of(ImageKey.values()), true, p.toString());
        }
        return inputs.byImage(inputs.txtFiles(storage.listFiles(p, ".txt"), hadoop, ClassKeys.byName(gt.classes()),
                MAX_XML_BYTES), gt, List.of(ImageKey.STEM), false, p.toString());
    }

    /** the size of the detections in bytes */
    long detectionBytes(String uri) throws IOException {
        return storage.size(detectionsPath(uri));
    }

    private Path detectionsPath(String uri) throws IOException {
        Path p = Storage.path(uri);
        if (!storage.exists(p)) {
            throw new InputUnusableException("detections " + p + " do not exist");
        }
        if (storage.isDirectory(p) && storage.exists(new Path(p, "detections.json"))) {
            p = new Path(p, "detections.json");
        }
        return p;
    }
}
