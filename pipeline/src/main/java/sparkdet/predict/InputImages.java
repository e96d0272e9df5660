package sparkdet.predict;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import sparkdet.data.DatasetLayout;
import sparkdet.data.Datasets;
import sparkdet.data.ImageIds;
import sparkdet.io.AtomicOutput;
import sparkdet.io.InputUnusableException;
import sparkdet.io.Storage;

/**
 * predict's input as a Spark dataset of {@link ImageRef}s: one image file, a folder listed
 * recursively (jpg, jpeg, png, bmp, webp; any case; hidden and _-prefixed entries skipped), or a
 * dataset written by ingest (whose rows never leave Spark).
 */
final class InputImages {
    static final Set<String> EXTENSIONS = Set.of(".jpg", ".jpeg", ".png", ".bmp", ".webp");

    private InputImages() {
    }

    static JavaRDD<ImageRef> list(SparkSession spark, Storage storage, String input, int partitionsHint)
            throws IOException {
        Path root = Storage.path(input);
        if (!storage.exists(root)) {
            throw new InputUnusableException("input " + root + " does not exist");
        }
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        if (storage.isDirectory(root) && storage.exists(new Path(root, DatasetLayout.DATA))
                && storage.exists(new Path(root, AtomicOutput.SUCCESS))) {
            return Datasets.open(spark, input).rows().select("image_id", "coco_image_id", "uri", "file_name")
                    .javaRDD().map(InputImages::fromDataset);
        }
        List<ImageRef> refs = storage.isDirectory(root) ? listFolder(storage, root) : List.of(single(root));
        if (refs.isEmpty()) {
            throw new InputUnusableException("no images (" + String.join(", ", EXTENSIONS) + ") under " + root);
        }
        return jsc.parallelize(refs, Math.max(1, Math.min(refs.size(), partitionsHint)));
    }

    private static ImageRef fromDataset(Row r) {
        String id = r.getString(0);
        return new ImageRef(id, r.getLong(1), r.getString(2), r.getString(3), txtName(ImageIds.stem(r.getString(3))));
    }

    private static ImageRef single(Path file) {
        if (!isImage(file.getName())) {
            throw new InputUnusableException(file + " is not an image file (" + String.join(", ", EXTENSIONS) + ")");
        }
        String stem = ImageIds.stem(file.getName());
        return new ImageRef(stem, ImageIds.numericId(stem), file.toString(), file.getName(), txtName(stem));
    }

    private static List<ImageRef> listFolder(Storage storage, Path root) throws IOException {
        List<Path> files = storage.listFiles(root, EXTENSIONS.toArray(new String[0]));
        String prefix = root.toUri().getPath().replaceAll("/+$", "") + "/";
        Map<String, Integer> stems = new HashMap<>();
        for (Path f : files) {
            stems.merge(ImageIds.stem(f.getName()), 1, Integer::sum);
        }
        List<ImageRef> refs = new ArrayList<>(files.size());
        for (Path f : files) {
            String relative = f.toUri().getPath().substring(prefix.length());
            String withoutExtension = relative.substring(0, relative.length() - extension(relative).length());
            String stem = ImageIds.stem(f.getName());
            // two pictures a.jpg and sub/a.jpg: neither's id nor txt file may be the other's
            boolean unique = stems.get(stem) == 1;
            String txt = txtName(unique ? stem : withoutExtension.replace('/', '_'));
            refs.add(new ImageRef(withoutExtension, ImageIds.numericId(unique ? stem : withoutExtension), f.toString(),
                    f.getName(), txt));
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

    /** a file name that stays in its folder: anything but letters, digits, '.', '-', '_' becomes '_' */
    static String txtName(String stem) {
        String safe = stem.replaceAll("[^\\p{L}\\p{N}._-]", "_");
        if (safe.isEmpty() || safe.chars().allMatch(c -> c == '.')) {
            safe = "_" + safe;
        }
        return safe + ".txt";
    }
}
