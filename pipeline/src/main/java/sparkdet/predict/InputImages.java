package sparkdet.predict;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sparkdet.data.DatasetLayout;
import sparkdet.data.Datasets;
import sparkdet.data.ImageIds;
import sparkdet.io.AtomicOutput;
import sparkdet.io.InputUnusableException;
import sparkdet.io.Storage;

/**
 * predict's input as a Spark dataset of {@link ImageRef}s: one image file, a folder listed
 * recursively (jpg, jpeg, png, bmp, webp; any case; hidden and _-prefixed entries skipped, and
 * so is predict's own output folder when it lies inside), or a dataset written by ingest (whose
 * rows never leave Spark). A listed folder's ids and output names are {@link OutputNames}'.
 */
final class InputImages {
    private static final Logger LOG = LoggerFactory.getLogger(InputImages.class);
    static final Set<String> EXTENSIONS = Set.of(".jpg", ".jpeg", ".png", ".bmp", ".webp");

    private InputImages() {
    }

    /** @param output predict's output folder: never read as input, where a rerun would find its own drawings */
    static JavaRDD<ImageRef> list(SparkSession spark, Storage storage, String input, Path output, int partitionsHint)
            throws IOException {
        Path root = Storage.path(input);
        if (!storage.exists(root)) {
            throw new InputUnusableException("input " + root + " does not exist");
        }
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        if (storage.isDirectory(root) && storage.exists(new Path(root, DatasetLayout.DATA))
                && storage.exists(new Path(root, AtomicOutput.SUCCESS))) {
            JavaRDD<Row> rows = Datasets.open(spark, input).rows()
                    .select("image_id", "coco_image_id", "uri", "file_name").javaRDD();
            Set<String> sharedStems = shared(rows.map(r -> OutputNames.stemName(r.getString(3))));
            Set<String> sharedPaths = sharedStems.isEmpty() ? Set.of()
                    : shared(rows.map(r -> OutputNames.pathName(r.getString(3))));
            if (!sharedStems.isEmpty()) {
                LOG.info("{} file stems are shared by several images of {}: those are named by more of their path",
                        sharedStems.size(), input);
            }
            return rows.map(r -> fromDataset(r, sharedStems, sharedPaths));
        }
        List<ImageRef> refs = storage.isDirectory(root) ? listFolder(storage, root, output) : List.of(single(root));
        if (refs.isEmpty()) {
            throw new InputUnusableException("no images (" + String.join(", ", EXTENSIONS) + ") under " + root);
        }
        return jsc.parallelize(refs, Math.max(1, Math.min(refs.size(), partitionsHint)));
    }

    private static ImageRef fromDataset(Row r, Set<String> sharedStems, Set<String> sharedPaths) {
        String id = r.getString(0);
        return new ImageRef(id, r.getLong(1), r.getString(2), r.getString(3),
                OutputNames.forDatasetRow(r.getString(3), id, sharedStems, sharedPaths));
    }

    /** the names given to more than one row: counted in Spark, only those few reach the driver */
    private static Set<String> shared(JavaRDD<String> names) {
        return new java.util.HashSet<>(names.mapToPair(n -> new scala.Tuple2<>(n, 1L)).reduceByKey(Long::sum)
                .filter(t -> t._2() > 1).keys().collect());
    }

    private static ImageRef single(Path file) {
        if (!isImage(file.getName())) {
            throw new InputUnusableException(file + " is not an image file (" + String.join(", ", EXTENSIONS) + ")");
        }
        String stem = ImageIds.stem(file.getName());
        return new ImageRef(stem, ImageIds.numericId(stem), file.toString(), file.getName(), OutputNames.escape(stem));
    }

    private static List<ImageRef> listFolder(Storage storage, Path root, Path output) throws IOException {
        String outputPrefix = storage.fs(output).makeQualified(output).toString().replaceAll("/+$", "") + "/";
        List<Path> files = storage.listFiles(root, EXTENSIONS.toArray(new String[0])).stream()
                .filter(f -> !f.toString().startsWith(outputPrefix)).toList();
        String prefix = root.toUri().getPath().replaceAll("/+$", "") + "/";
        List<String> relative = files.stream().map(f -> f.toUri().getPath().substring(prefix.length())).toList();
        List<OutputNames.Named> names = OutputNames.of(relative);
        List<ImageRef> refs = new ArrayList<>(files.size());
        for (int i = 0; i < files.size(); i++) {
            OutputNames.Named n = names.get(i);
            refs.add(new ImageRef(n.imageId(), n.cocoImageId(), files.get(i).toString(), files.get(i).getName(),
                    n.outputName()));
        }
        return refs;
    }

    static boolean isImage(String name) {
        return EXTENSIONS.contains(extension(name).toLowerCase(Locale.ROOT));
    }

    private static String extension(String name) {
        int dot = name.lastIndexOf('.');
        return dot < 0 || dot < name.lastIndexOf('/') ? "" : name.substring(dot);
    }
}
