package sparkdet.eval;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * File names for per-class files: letters, digits, '.', '-' and '_' kept, anything else ('/',
 * spaces, other scripts) becomes '_', so a class name never makes a folder or leaves the output.
 * A name is cut to {@value #MAX_LENGTH} characters (file systems refuse names over 255 bytes);
 * names that collide after that, case aside, or with a name the report itself uses, get their
 * class index appended.
 */
public final class SafeNames {
    /** short enough for every file system with room for an extension and an index */
    static final int MAX_LENGTH = 100;

    private SafeNames() {
    }

    /** @param reserved names the caller's own files use beside the per-class ones */
    public static List<String> of(List<String> classNames, String... reserved) {
        List<String> out = new ArrayList<>(classNames.size());
        Set<String> taken = new HashSet<>();
        for (String r : reserved) {
            taken.add(r.toLowerCase(Locale.ROOT));
        }
        for (int i = 0; i < classNames.size(); i++) {
            String safe = classNames.get(i).replaceAll("[^A-Za-z0-9._-]", "_").replaceAll("^\\.+", "_");
            if (safe.isEmpty()) {
                safe = "class";
            }
            if (safe.length() > MAX_LENGTH) {
                safe = safe.substring(0, MAX_LENGTH);
            }
            if (!taken.add(safe.toLowerCase(Locale.ROOT))) {
                safe = safe + "_" + i;
                taken.add(safe.toLowerCase(Locale.ROOT));
            }
            out.add(safe);
        }
        return out;
    }
}
