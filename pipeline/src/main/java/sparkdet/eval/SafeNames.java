package sparkdet.eval;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * File names for per-class files: letters, digits, '.', '-' and '_' kept, anything else ('/',
 * spaces, other scripts) becomes '_', so a class name never makes a folder or leaves the output;
 * names that collide after that get their class index appended.
 */
public final class SafeNames {
    private SafeNames() {
    }

    public static List<String> of(List<String> classNames) {
        List<String> out = new ArrayList<>(classNames.size());
        Set<String> taken = new HashSet<>();
        for (int i = 0; i < classNames.size(); i++) {
            String safe = classNames.get(i).replaceAll("[^A-Za-z0-9._-]", "_").replaceAll("^\\.+", "_");
            if (safe.isEmpty()) {
                safe = "class";
            }
            String lower = safe.toLowerCase(Locale.ROOT);
            if (!taken.add(lower)) {
                safe = safe + "_" + i;
                taken.add(safe.toLowerCase(Locale.ROOT));
            }
            out.add(safe);
        }
        return out;
    }
}
