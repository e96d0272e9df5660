package sparkdet.io;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.Objects;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rule every command follows before it writes (DESIGN.md "One vocabulary"): an existing
 * non-empty output is refused unless --overwrite, and even with --overwrite a command never
 * replaces its own input or a folder that holds one. Checked before anything is written.
 */
public final class OutputGuard {
    private static final Logger LOG = LoggerFactory.getLogger(OutputGuard.class);

    private OutputGuard() {
    }

    /**
     * @param inputs what the command reads, as URIs or local paths (nulls are skipped)
     * @return whether an existing output will be replaced: the caller says so
     * @throws OutputRefusedException when the output holds an input, or exists without overwrite
     */
    public static boolean check(Storage storage, Path output, boolean overwrite, String... inputs) throws IOException {
        Path out = canonical(storage, output);
        for (String input : inputs) {
            if (input != null && holds(out, canonical(storage, Storage.path(input)))) {
                throw new OutputHoldsInputException(output, input);
            }
        }
        FileSystem fs = storage.fs(output);
        if (!fs.exists(output)) {
            return false;
        }
        FileStatus status = fs.getFileStatus(output);
        if (status.isDirectory() && fs.listStatus(output).length == 0) {
            return false;
        }
        if (!overwrite) {
            throw new OutputExistsException(output);
        }
        LOG.warn("--overwrite: replacing {}", output);
        return true;
    }

    /** whether {@code inner} is {@code outer} or lies below it */
    static boolean holds(Path outer, Path inner) {
        URI o = outer.toUri();
        URI i = inner.toUri();
        if (!Objects.equals(o.getScheme(), i.getScheme()) || !Objects.equals(o.getAuthority(), i.getAuthority())) {
            return false;
        }
        String op = o.getPath().endsWith("/") ? o.getPath() : o.getPath() + "/";
        return (i.getPath() + "/").startsWith(op);
    }

    /**
     * a qualified path; on a local disk with symbolic links resolved as far as the path exists,
     * so that an output which is a link to the input folder is the input folder
     */
    private static Path canonical(Storage storage, Path p) throws IOException {
        Path qualified = storage.fs(p).makeQualified(p);
        if (!"file".equals(qualified.toUri().getScheme())) {
            return qualified;
        }
        java.nio.file.Path local = Paths.get(qualified.toUri().getPath());
        java.nio.file.Path existing = local;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return qualified;
        }
        java.nio.file.Path real = existing.toRealPath().resolve(existing.relativize(local));
        return new Path("file", null, real.normalize().toString());
    }

    /** the output cannot be written as asked; nothing was written */
    public static class OutputRefusedException extends IOException {
        private static final long serialVersionUID = 1L;

        OutputRefusedException(String message) {
            super(message);
        }
    }

    /** the output already exists and replacing it was not asked for */
    public static final class OutputExistsException extends OutputRefusedException {
        private static final long serialVersionUID = 1L;

        public OutputExistsException(Path target) {
            this(target, "pass --overwrite to replace it");
        }

        /** @param remedy what the command offers instead, e.g. train's --resume */
        public OutputExistsException(Path target, String remedy) {
            super(target + " already exists and is not empty (" + remedy + ")");
        }
    }

    /** the output is, or holds, something the command reads: replacing it would destroy its input */
    public static final class OutputHoldsInputException extends OutputRefusedException {
        private static final long serialVersionUID = 1L;

        public OutputHoldsInputException(Path target, String input) {
            super(target + " is or holds the input " + input + ": writing there would replace it, even with "
                    + "--overwrite; choose another output");
        }
    }
}
