package sparkdet.io;

import java.io.IOException;
import java.util.UUID;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An output folder that appears whole or not at all: everything is written under a hidden
 * sibling folder, then `_SUCCESS` is written and the folder renamed into place. A killed run
 * leaves only the hidden folder (which readers ignore); an existing output is replaced only
 * when asked, and only after the new one is complete.
 */
public final class AtomicOutput {
    private static final Logger LOG = LoggerFactory.getLogger(AtomicOutput.class);
    public static final String SUCCESS = "_SUCCESS";

    private final Storage storage;
    private final Path target;
    private final Path staging;
    private boolean done;

    private AtomicOutput(Storage storage, Path target) {
        this.storage = storage;
        this.target = target;
        this.staging = new Path(target.getParent(), "." + target.getName() + ".tmp-" + UUID.randomUUID());
    }

    /**
     * @param inputs what the command reads: the target may not be or hold any of them (OutputGuard)
     * @throws OutputGuard.OutputRefusedException when the target holds an input, or exists (non-empty)
     *     and overwrite is false, before anything is written
     */
    public static AtomicOutput begin(Storage storage, Path target, boolean overwrite, String... inputs)
            throws IOException {
        if (target.getParent() == null) {
            throw new IOException("cannot write to the root of a file system: " + target);
        }
        OutputGuard.check(storage, target, overwrite, inputs);
        AtomicOutput out = new AtomicOutput(storage, target);
        storage.fs(out.staging).mkdirs(out.staging);
        return out;
    }

    /** where to write: the staging folder */
    public Path dir() {
        return staging;
    }

    public Path resolve(String relative) {
        return new Path(staging, relative);
    }

    public Path target() {
        return target;
    }

    /** marks the output complete and moves it into place */
    public void commit() throws IOException {
        storage.writeBytes(new Path(staging, SUCCESS), new byte[0]);
        moveIntoPlace(storage.fs(target), staging, target);
        done = true;
        LOG.info("wrote {}", target);
    }

    /** writes a file beside the target under a hidden name, then renames it into place */
    public static void writeFile(Storage storage, Path target, byte[] bytes) throws IOException {
        if (target.getParent() == null) {
            throw new IOException("cannot write to the root of a file system: " + target);
        }
        Path temp = new Path(target.getParent(), "." + target.getName() + ".tmp-" + UUID.randomUUID());
        FileSystem fs = storage.fs(target);
        try {
            storage.writeBytes(temp, bytes);
            moveIntoPlace(fs, temp, target);
        } finally {
            fs.delete(temp, false);
        }
    }

    /**
     * renames a complete file or folder onto the target, replacing what is there: Hadoop's rename
     * does not replace, so an existing target is moved aside first and put back if the rename fails
     */
    public static void moveIntoPlace(FileSystem fs, Path complete, Path target) throws IOException {
        Path old = null;
        if (fs.exists(target)) {
            old = new Path(target.getParent(), "." + target.getName() + ".old-" + UUID.randomUUID());
            if (!fs.rename(target, old)) {
                throw new IOException("could not move the previous " + target + " aside");
            }
        }
        if (!fs.rename(complete, target)) {
            if (old != null) {
                fs.rename(old, target);
            }
            throw new IOException("could not rename " + complete + " to " + target);
        }
        if (old != null) {
            fs.delete(old, true);
        }
    }

    /** removes the staging folder of a failed run; the target is untouched */
    public void abort() {
        if (done) {
            return;
        }
        try {
            storage.fs(staging).delete(staging, true);
        } catch (IOException e) {
            LOG.warn("could not remove the staging folder {}: {}", staging, e.toString());
        }
    }
}
