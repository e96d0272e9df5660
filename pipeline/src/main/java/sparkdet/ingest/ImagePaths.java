package sparkdet.ingest;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import org.apache.hadoop.fs.Path;

/** Image paths named by annotations, resolved against an image root without ever leaving it. */
final class ImagePaths {
    private ImagePaths() {
    }

    /**
     * the image under the root, or empty when the name is absolute or climbs out of the root
     * through "..", whichever separator it uses
     */
    static Optional<Path> under(Path root, String relativeName) {
        String name = relativeName.replace('\\', '/');
        if (name.startsWith("/") || name.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*")) {
            return Optional.empty();
        }
        Deque<String> parts = new ArrayDeque<>();
        for (String part : name.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                if (parts.isEmpty()) {
                    return Optional.empty();
                }
                parts.removeLast();
            } else {
                parts.addLast(part);
            }
        }
        if (parts.isEmpty()) {
            return Optional.empty();
        }
        Path p = root;
        for (String part : parts) {
            p = new Path(p, escape(part));
        }
        return Optional.of(p);
    }

    /** Hadoop's Path reads ':' as a scheme separator in a child name: keep it literal */
    private static String escape(String part) {
        return part.contains(":") ? "./" + part : part;
    }
}
