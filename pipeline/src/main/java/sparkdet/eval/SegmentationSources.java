package sparkdet.eval;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import sparkdet.data.ClassList;
import sparkdet.data.DatasetLayout;
import sparkdet.io.InputUnusableException;
import sparkdet.io.Storage;
import sparkdet.io.TextDecoding;

/**
 * What a segmentation evaluation compares: the label and prediction PNGs of each image, as URIs in
 * the ground truth's order, and the class list. Only listed here; the masks are read where the
 * confusion matrix is summed ({@link SegmentationEvaluation}).
 *
 * <p>Ground truth, any Hadoop URI:
 * <ul>
 *   <li>a dataset written by ingest ({@code _SUCCESS}, {@code data/} Parquet rows whose string
 *       columns {@code image_id} and {@code mask_uri} name each image and its label PNG,
 *       {@code classes.txt}), rows in image_id order;
 *   <li>a VOC root: {@code SegmentationClass/<stem>.png} for each line of
 *       {@code ImageSets/Segmentation/<split>.txt}, in its order, as get_miou.py reads it;
 *   <li>any other folder: every {@code <stem>.png} directly in it, sorted by name.
 * </ul>
 * Classes: {@code --classes FILE}, else the {@code classes.txt} of the dataset, VOC root or
 * folder; one of them is required, since the means run over every class and a class that never
 * appears still counts (its count cannot be read off the pixels).
 *
 * <p>Predictions: a folder of {@code <stem>.png}, or predict's output (its {@code masks/}). Every
 * image of the ground truth needs its prediction: get_miou.py stops at the first one missing; this
 * refuses the run, naming the missing ones, before reading any mask.
 */
public final class SegmentationSources {
    /** the folder of class-index PNGs in predict's output */
    static final String PREDICT_MASKS = "masks";
    static final String IMAGE_ID = "image_id";
    static final String MASK_URI = "mask_uri";
    private static final String PNG = ".png";
    private static final long MAX_TEXT_BYTES = 64L << 20;
    /** missing files named in a message; the rest counted */
    private static final int NAMED = 5;

    private final Storage storage;
    private final Supplier<SparkSession> spark;

    /** @param spark a session, made only when an ingested dataset is read */
    public SegmentationSources(Storage storage, Supplier<SparkSession> spark) {
        this.storage = storage;
        this.spark = spark;
    }

    /**
     * The pairs to evaluate.
     *
     * @param form what the ground truth was: "dataset", "VOC <split>" or "folder"
     */
    public record Inputs(ClassList classes, List<MaskPair> pairs, Path predictions, String form) {
    }

    /** a ground truth's images, its label PNGs and where its classes.txt would be */
    private record Labels(List<String> stems, List<String> uris, Path classesFile, String form) {
    }

    /**
     * @param classesFile {@code --classes}, or null for the ground truth's own classes.txt
     * @param split the VOC split (ImageSets/Segmentation/&lt;split&gt;.txt)
     * @throws InputUnusableException naming the file: a missing ground truth, split file, label or
     *     prediction
     * @throws IllegalArgumentException when no class list is given or found (a usage error)
     */
    public Inputs read(String gt, String predictions, String classesFile, String split) throws IOException {
        Path root = Storage.path(gt);
        if (!storage.exists(root)) {
            throw new InputUnusableException("ground truth " + root + " does not exist");
        }
        if (!storage.isDirectory(root)) {
            throw new InputUnusableException("ground truth " + root + " is a file: segmentation is evaluated against "
                    + "a VOC root (SegmentationClass/, ImageSets/Segmentation/), a folder of label PNGs or a dataset "
                    + "written by ingest");
        }
        Labels labels;
        if (EvalSources.isDataset(storage, root)) {
            labels = datasetLabels(root);
        } else if (storage.isDirectory(new Path(root, "SegmentationClass"))) {
            labels = vocLabels(root, split);
        } else {
            labels = folderLabels(root);
        }
        ClassList classes = classes(classesFile, labels);
        Path predicted = predictionsFolder(predictions);
        Set<String> present = names(predicted);
        List<String> missing = new ArrayList<>();
        List<MaskPair> pairs = new ArrayList<>(labels.stems().size());
        for (int i = 0; i < labels.stems().size(); i++) {
            String stem = labels.stems().get(i);
            if (!present.contains(stem + PNG)) {
                missing.add(stem + PNG);
            }
            pairs.add(new MaskPair(i, stem, labels.uris().get(i), new Path(predicted, stem + PNG).toString()));
        }
        if (!missing.isEmpty()) {
            throw new InputUnusableException("predictions " + predicted + " lack " + missing.size() + " of the "
                    + pairs.size() + " masks the ground truth (" + labels.form() + ") needs: " + named(missing)
                    + " (every image needs <stem>.png)");
        }
        return new Inputs(classes, pairs, predicted, labels.form());
    }

    private Labels datasetLabels(Path root) throws IOException {
        String data = new Path(root, DatasetLayout.DATA).toString();
        // by name, not through the detection schema: a segmentation dataset's rows add these columns
        org.apache.spark.sql.Dataset<Row> rows = spark.get().read().parquet(data);
        List<String> columns = List.of(rows.columns());
        if (!columns.contains(IMAGE_ID) || !columns.contains(MASK_URI)) {
            throw new InputUnusableException("dataset " + root + " has no masks (its rows lack the " + IMAGE_ID
                    + " and " + MASK_URI + " columns): ingest the segmentation set with --format voc-seg");
        }
        List<String> stems = new ArrayList<>();
        List<String> uris = new ArrayList<>();
        for (Row r : rows.select(IMAGE_ID, MASK_URI).orderBy(IMAGE_ID).collectAsList()) {
            if (r.isNullAt(0) || r.isNullAt(1)) {
                throw new InputUnusableException("dataset " + root + ": the row of image "
                        + (r.isNullAt(0) ? "(no image_id)" : r.getString(0)) + " has no " + MASK_URI + " (a detection "
                        + "dataset? ingest the segmentation set with --format voc-seg or --task segment)");
            }
            stems.add(r.getString(0));
            uris.add(r.getString(1));
        }
        return new Labels(stems, uris, new Path(root, DatasetLayout.CLASSES), "dataset");
    }

    private Labels vocLabels(Path root, String split) throws IOException {
        Path splitFile = new Path(root, "ImageSets/Segmentation/" + split + ".txt");
        if (!storage.exists(splitFile)) {
            throw new InputUnusableException("VOC root " + root + " has no split file " + splitFile
                    + " (--split names it)");
        }
        Path masks = new Path(root, "SegmentationClass");
        Set<String> present = names(masks);
        List<String> stems = new ArrayList<>();
        List<String> uris = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (String line : text(splitFile).split("\r?\n|\r")) {
            String stem = line.strip();
            if (stem.isEmpty()) {
                continue;
            }
            if (!present.contains(stem + PNG)) {
                missing.add(stem + PNG);
            }
            stems.add(stem);
            uris.add(new Path(masks, stem + PNG).toString());
        }
        if (!missing.isEmpty()) {
            throw new InputUnusableException("ground truth " + masks + " lacks " + missing.size() + " of the "
                    + stems.size() + " label masks " + splitFile + " lists: " + named(missing));
        }
        if (stems.isEmpty()) {
            throw new InputUnusableException(splitFile + " lists no images");
        }
        return new Labels(stems, uris, new Path(root, DatasetLayout.CLASSES), "VOC " + split);
    }

    private Labels folderLabels(Path dir) throws IOException {
        List<String> stems = new ArrayList<>();
        List<String> uris = new ArrayList<>();
        for (Path p : storage.listFiles(dir, false, PNG)) {
            String name = p.getName();
            if (name.endsWith(PNG)) {
                stems.add(name.substring(0, name.length() - PNG.length()));
                uris.add(p.toString());
            }
        }
        if (stems.isEmpty()) {
            throw new InputUnusableException("ground truth " + dir + " holds no label PNGs (<stem>.png), no "
                    + "SegmentationClass/ and is not a dataset");
        }
        return new Labels(stems, uris, new Path(dir, DatasetLayout.CLASSES), "folder");
    }

    private ClassList classes(String classesFile, Labels labels) throws IOException {
        Path file;
        if (classesFile != null) {
            file = Storage.path(classesFile);
            if (!storage.exists(file)) {
                throw new InputUnusableException("classes file " + file + " does not exist");
            }
        } else if (storage.exists(labels.classesFile())) {
            file = labels.classesFile();
        } else {
            throw new IllegalArgumentException("--classes FILE is required: the ground truth has no "
                    + labels.classesFile() + ", and the class count cannot be read off the masks (mIoU is a mean "
                    + "over every class, those never seen included)");
        }
        ClassList classes = ClassList.parse(text(file));
        if (classes.size() < 1 || classes.size() > 256) {
            throw new InputUnusableException(file + " lists " + classes.size() + " classes; 8-bit masks hold 1 to 256");
        }
        return classes;
    }

    /** predict's output (its masks/) or a folder of predicted PNGs */
    private Path predictionsFolder(String uri) throws IOException {
        Path p = Storage.path(uri);
        if (!storage.isDirectory(p)) {
            throw new InputUnusableException("predictions " + p + (storage.exists(p) ? " is a file" : " do not exist")
                    + ": give a folder of <stem>.png masks or a predict output");
        }
        Path masks = new Path(p, PREDICT_MASKS);
        return storage.isDirectory(masks) ? masks : p;
    }

    /** the names of the PNG files directly in a folder: one listing, however many images */
    private Set<String> names(Path dir) throws IOException {
        Set<String> names = new HashSet<>();
        for (Path p : storage.listFiles(dir, false, PNG)) {
            names.add(p.getName());
        }
        return names;
    }

    private String text(Path file) throws IOException {
        try {
            return TextDecoding.decode(storage.readBytes(file, MAX_TEXT_BYTES), "auto").text();
        } catch (CharacterCodingException e) {
            throw new InputUnusableException(file + " is not text", e);
        }
    }

    private static String named(List<String> files) {
        String first = String.join(", ", files.subList(0, Math.min(NAMED, files.size())));
        return files.size() > NAMED ? first + " and " + (files.size() - NAMED) + " more" : first;
    }
}
