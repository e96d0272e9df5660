package sparkdet.model;

import com.typesafe.config.Config;
import java.io.IOException;
import org.apache.hadoop.fs.Path;
import sparkdet.io.InputUnusableException;
import sparkdet.io.Storage;

/**
 * Model files are read whole into memory and may come from anyone: {@code sparkdet.models.max-bytes}
 * bounds a file, and every zip record, storage and tensor read from one, before anything is allocated.
 */
public final class ModelFiles {
    /** the most a Java byte array holds: the ceiling of models.max-bytes */
    public static final long MAX_BYTES_CEILING = Integer.MAX_VALUE - 8;
    public static final String MAX_BYTES_SETTING = "sparkdet.models.max-bytes";

    private ModelFiles() {
    }

    /** models.max-bytes of the configuration, checked against what a byte array holds */
    public static long maxBytes(Config config) {
        long max = config.getBytes(MAX_BYTES_SETTING);
        if (max < 1 || max > MAX_BYTES_CEILING) {
            throw new IllegalArgumentException(MAX_BYTES_SETTING + " must be between 1 and " + MAX_BYTES_CEILING
                    + ", not " + max);
        }
        return max;
    }

    /** the file's bytes, refused by its size before it is read */
    public static byte[] read(Storage storage, Path path, long maxBytes) throws IOException {
        requireSize(storage, path, maxBytes);
        return storage.readBytes(path, maxBytes);
    }

    /** refuses a file larger than models.max-bytes (also one that a native library reads itself) */
    public static void requireSize(Storage storage, Path path, long maxBytes) throws IOException {
        long length = storage.fs(path).getFileStatus(path).getLen();
        if (length > maxBytes) {
            throw new InputUnusableException(path + " is " + length + " bytes, more than the " + maxBytes
                    + " allowed (models.max-bytes)");
        }
    }
}
