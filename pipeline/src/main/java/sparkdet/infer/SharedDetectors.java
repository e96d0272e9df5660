package sparkdet.infer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import sparkdet.io.HadoopConf;
import sparkdet.io.InputUnusableException;
import sparkdet.io.Storage;

/**
 * One detector per model file per JVM: an executor loads a model once, however many tasks and
 * batches it runs (the tasks share it: the back-ends are thread-safe). A file replaced on disk
 * (another size or modification time) is a different model.
 */
public final class SharedDetectors {
    private static final Map<String, Detector> LOADED = new ConcurrentHashMap<>();

    private SharedDetectors() {
    }

    public static Detector get(HadoopConf hadoop, String uri, int threads, String device, long maxBytes)
            throws IOException {
        Storage storage = new Storage(hadoop.get());
        Path path = Storage.path(uri);
        if (!storage.exists(path)) {
            throw new InputUnusableException("model " + path + " does not exist");
        }
        FileStatus status = storage.fs(path).getFileStatus(path);
        String key = path + "|" + status.getLen() + "|" + status.getModificationTime() + "|" + threads + "|" + device;
        try {
            return LOADED.computeIfAbsent(key, k -> {
                try {
                    return Detectors.open(storage, uri, threads, device, maxBytes);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
