package sparkdet.io;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An output folder (or file) that appears whole or not at all: everything is written under a
 * hidden sibling, then `_SUCCESS` is written and the folder renamed into place. A killed run
 * leaves only the hidden sibling (which readers ignore, and the next run of the same output
 * removes, see {@link #removeStale}); an existing output is replaced only when asked, and only
 * after the new one is complete.
 */
public final class AtomicOutput {
    private static final Logger LOG = LoggerFactory.getLogger(AtomicOutput.class);
    public static final String SUCCESS = "_SUCCESS";
    private static final String STAGING = ".tmp-";
    private static final String ASIDE = ".old-";
    /**
     * a hidden sibling left by a process on another machine is stale once untouched this long:
     * a live writer there cannot be asked, and no command keeps a staging folder unchanged for a day
     */
    static final long FOREIGN_STALE_MS = 24L * 3600 * 1000;
    private static final String OWNER = ProcessHandle.current().pid() + "@" + hostName();

    private final Storage storage;
    private final Path target;
    private final Path staging;
    private boolean done;

    private AtomicOutput(Storage storage, Path target) {
        this.storage = storage;
        this.target = target;
        this.staging = sibling(target, STAGING);
    }

    /**
     * @param inputs what the command reads: the target may not be or hold any of them (OutputGuard)
     * @throws OutputGuard.OutputRefusedException when the target holds an input, or exists (non-empty)
     *     and overwrite is false, before anything is written
     */
    public static AtomicOutput begin(Storage storage, Path target, boolean overwrite, String... inputs)
            throws IOException {
        requireParent(target);
        // first, so that an output put back is guarded like any other
        removeStale(storage.fs(target), target);
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

    /** what writes a single file's bytes */
    @FunctionalInterface
    public interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    /** writes a file beside the target under a hidden name, then renames it into place */
    public static void writeFile(Storage storage, Path target, byte[] bytes) throws IOException {
        writeFile(storage, target, out -> out.write(bytes));
    }

    /** streams a file beside the target under a hidden name, then renames it into place */
    public static void writeFile(Storage storage, Path target, Content content) throws IOException {
        requireParent(target);
        FileSystem fs = storage.fs(target);
        removeStale(fs, target);
        Path temp = sibling(target, STAGING);
        try {
            try (OutputStream out = storage.create(temp)) {
                content.writeTo(out);
            }
            moveIntoPlace(fs, temp, target);
        } finally {
            fs.delete(temp, false);
        }
    }

    /**
     * Writes files that belong together (a model and its sidecar) beside their targets under hidden
     * names and, once every one is complete, renames them into place one after the other: a write
     * that fails leaves the targets as they were, and only the renames follow the last write.
     */
    public static void writeFiles(Storage storage, Map<Path, byte[]> files) throws IOException {
        Map<Path, Path> staged = new LinkedHashMap<>();
        try {
            for (Map.Entry<Path, byte[]> f : files.entrySet()) {
                Path target = f.getKey();
                requireParent(target);
                removeStale(storage.fs(target), target);
                Path temp = sibling(target, STAGING);
                staged.put(target, temp);
                try (OutputStream out = storage.create(temp)) {
                    out.write(f.getValue());
                }
            }
            for (Map.Entry<Path, Path> s : staged.entrySet()) {
                moveIntoPlace(storage.fs(s.getKey()), s.getValue(), s.getKey());
            }
        } finally {
            for (Map.Entry<Path, Path> s : staged.entrySet()) {
                storage.fs(s.getKey()).delete(s.getValue(), false);
            }
        }
    }

    /**
     * renames a complete file or folder onto the target, replacing what is there: Hadoop's rename
     * does not replace, so an existing target is moved aside first and put back if the rename fails
     */
    public static void moveIntoPlace(FileSystem fs, Path complete, Path target) throws IOException {
        Path old = null;
        if (fs.exists(target)) {
            old = sibling(target, ASIDE);
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

    /**
     * Cleans what killed runs of this target left beside it: their staging siblings are removed,
     * and a previous output that was moved aside when the run died between its two renames is put
     * back (or removed, when the new output made it into place). Only the leftovers of processes
     * that are gone count: a process of this machine that no longer runs, or, from another
     * machine, a sibling untouched for {@link #FOREIGN_STALE_MS}.
     */
    static void removeStale(FileSystem fs, Path target) throws IOException {
        Path parent = target.getParent();
        if (!fs.exists(parent)) {
            return;
        }
        String prefix = "." + target.getName();
        List<FileStatus> aside = new ArrayList<>();
        for (FileStatus s : fs.listStatus(parent)) {
            String name = s.getPath().getName();
            boolean staging = name.startsWith(prefix + STAGING);
            boolean moved = name.startsWith(prefix + ASIDE);
            if ((!staging && !moved) || !isStale(name, s.getModificationTime())) {
                continue;
            }
            if (moved) {
                aside.add(s);
            } else {
                LOG.info("removing {}, left by a run that did not finish", s.getPath());
                fs.delete(s.getPath(), true);
            }
        }
        for (FileStatus s : aside) {
            if (!fs.exists(target) && fs.rename(s.getPath(), target)) {
                LOG.warn("{} was moved aside by a run that died before replacing it: put back", target);
            } else {
                fs.delete(s.getPath(), true);
            }
        }
    }

    /** a hidden sibling's name: the target's, the kind, a unique id and the writing process */
    private static Path sibling(Path target, String kind) {
        java.net.URI parent = target.getParent().toUri();
        String folder = parent.getPath().endsWith("/") ? parent.getPath() : parent.getPath() + "/";
        // not Path(parent, child): a child with a colon ("run:2") would be read as a URI scheme
        return new Path(parent.getScheme(), parent.getAuthority(),
                folder + "." + target.getName() + kind + UUID.randomUUID() + "-" + OWNER);
    }

    /** whether the process named at the end of a sibling's name is gone */
    static boolean isStale(String siblingName, long modifiedMs) {
        int at = siblingName.lastIndexOf('@');
        int dash = siblingName.lastIndexOf('-', at);
        if (at < 0 || dash < 0) {
            // written before siblings named their writer: only age can tell
            return System.currentTimeMillis() - modifiedMs > FOREIGN_STALE_MS;
        }
        String host = siblingName.substring(at + 1);
        if (!host.equals(hostName())) {
            return System.currentTimeMillis() - modifiedMs > FOREIGN_STALE_MS;
        }
        try {
            long pid = Long.parseLong(siblingName.substring(dash + 1, at));
            return ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true);
        } catch (NumberFormatException e) {
            return System.currentTimeMillis() - modifiedMs > FOREIGN_STALE_MS;
        }
    }

    private static void requireParent(Path target) throws IOException {
        if (target.getParent() == null) {
            throw new IOException("cannot write to the root of a file system: " + target);
        }
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName().replace('/', '_');
        } catch (IOException e) {
            return "localhost";
        }
    }
}
