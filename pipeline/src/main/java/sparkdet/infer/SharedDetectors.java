package sparkdet.infer;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sparkdet.io.HadoopConf;
import sparkdet.io.InputUnusableException;
import sparkdet.io.Storage;

/**
 * One detector per model file per JVM: an executor loads a model once, however many tasks and
 * batches it runs (the tasks share it: the back-ends are thread-safe). Native models are large, so
 * at most {@value #MAX_MODELS} stay loaded: a file replaced on disk (another size or modification
 * time) replaces its model, and the least recently used one goes when a new one comes; each is
 * closed once the last task holding it lets go. A model loads outside the lock, so tasks of other
 * models are not held up by it, and tasks of the same model wait for that one load.
 */
public final class SharedDetectors {
    private static final Logger LOG = LoggerFactory.getLogger(SharedDetectors.class);
    static final int MAX_MODELS = 4;

    /** guards every Shared's leases and retired flag, and LOADED (in access order: eldest = least recently used) */
    private static final Object LOCK = new Object();
    private static final Map<String, Shared> LOADED = new LinkedHashMap<>(8, 0.75f, true);

    private SharedDetectors() {
    }

    /** a model as loaded once for a file version, and who holds it */
    private static final class Shared {
        final String version;
        final CompletableFuture<Detector> detector = new CompletableFuture<>();
        int leases;
        boolean retired;

        Shared(String version) {
            this.version = version;
        }
    }

    /** a task's hold on a shared detector: closing it lets the detector be closed once it is replaced or evicted */
    public static final class Lease implements AutoCloseable {
        private final Shared shared;
        private final Detector detector;
        private boolean released;

        private Lease(Shared shared, Detector detector) {
            this.shared = shared;
            this.detector = detector;
        }

        public Detector detector() {
            return detector;
        }

        @Override
        public void close() {
            if (!released) {
                released = true;
                release(shared);
            }
        }
    }

    /**
     * @param maxBytes models.max-bytes (see {@link Detectors#open})
     */
    public static Lease acquire(HadoopConf hadoop, String uri, int threads, String device, long maxBytes)
            throws IOException {
        Storage storage = new Storage(hadoop.get());
        Path path = Storage.path(uri);
        if (!storage.exists(path)) {
            throw new InputUnusableException("model " + path + " does not exist");
        }
        FileStatus status = storage.fs(path).getFileStatus(path);
        String slot = path + "|" + threads + "|" + device;
        String version = status.getLen() + "|" + status.getModificationTime() + "|" + maxBytes;
        Shared shared;
        boolean loadsHere = false;
        List<Shared> toClose = new ArrayList<>();
        synchronized (LOCK) {
            shared = LOADED.get(slot);
            if (shared == null || !shared.version.equals(version)) {
                if (shared != null) {
                    retire(LOADED.remove(slot), toClose);
                }
                shared = new Shared(version);
                LOADED.put(slot, shared);
                loadsHere = true;
                evictBeyondBound(toClose);
            }
            shared.leases++;
        }
        closeAll(toClose);
        if (loadsHere) {
            try {
                shared.detector.complete(Detectors.open(storage, uri, threads, device, maxBytes));
            } catch (IOException | RuntimeException e) {
                shared.detector.completeExceptionally(e);
                synchronized (LOCK) {
                    LOADED.remove(slot, shared);
                }
            }
        }
        try {
            return new Lease(shared, shared.detector.join());
        } catch (CompletionException e) {
            release(shared);
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw (RuntimeException) e.getCause();
        }
    }

    /** the least recently used models beyond the bound, retired (under LOCK) */
    private static void evictBeyondBound(List<Shared> toClose) {
        Iterator<Shared> eldestFirst = LOADED.values().iterator();
        while (LOADED.size() > MAX_MODELS && eldestFirst.hasNext()) {
            Shared s = eldestFirst.next();
            eldestFirst.remove();
            retire(s, toClose);
        }
    }

    /** no new task gets it; closed now when no task holds it, else by the last one to let go (under LOCK) */
    private static void retire(Shared s, List<Shared> toClose) {
        s.retired = true;
        if (s.leases == 0) {
            toClose.add(s);
        }
    }

    private static void release(Shared s) {
        List<Shared> toClose = new ArrayList<>();
        synchronized (LOCK) {
            s.leases--;
            if (s.retired && s.leases == 0) {
                toClose.add(s);
            }
        }
        closeAll(toClose);
    }

    /** outside LOCK: closing native models takes time */
    private static void closeAll(List<Shared> retired) {
        for (Shared s : retired) {
            // a model whose load failed has nothing to close
            Detector d = s.detector.isCompletedExceptionally() ? null : s.detector.getNow(null);
            if (d != null) {
                LOG.info("closing {}: replaced on disk or least recently used", d.describe());
                d.close();
            }
        }
    }
}
