package sparkdet.ingest;

import java.io.IOException;
import org.apache.hadoop.fs.Path;
import sparkdet.io.Storage;

/**
 * Where a VOC set keeps its parts, given either its root (with Annotations/) or the Annotations
 * folder itself: the root holds JPEGImages/, ImageSets/Main/ and classes.txt.
 */
public record VocLayout(Path root, Path annotations) {
    public static VocLayout of(Storage storage, Path input) throws IOException {
        Path inside = new Path(input, "Annotations");
        return storage.isDirectory(inside) ? new VocLayout(input, inside) : new VocLayout(input.getParent(), input);
    }

    public Path images() {
        return new Path(root, "JPEGImages");
    }
}
