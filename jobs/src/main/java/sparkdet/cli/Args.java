package sparkdet.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** `--name value` and `--flag` options of a command, checked against what the command accepts. */
final class Args {
    private final Map<String, List<String>> values = new HashMap<>();
    private final Set<String> flags = new HashSet<>();

    private Args() {
    }

    /**
     * @param valued options that take a value (repeatable ones keep every value)
     * @param flagNames options that take none
     * @param aliases older spellings, old name -> the option it stands for: read as that option;
     *     an option given under two of its names is a usage error
     */
    static Args parse(String[] argv, Set<String> valued, Set<String> flagNames, Map<String, String> aliases) {
        Args a = new Args();
        Map<String, String> spelling = new HashMap<>();
        for (int i = 0; i < argv.length; i++) {
            String arg = argv[i];
            if (!arg.startsWith("--")) {
                throw new UsageException("unexpected argument '" + arg + "'");
            }
            String given = arg.substring(2);
            String inline = null;
            int eq = given.indexOf('=');
            if (eq > 0 && !given.startsWith("set")) {
                inline = given.substring(eq + 1);
                given = given.substring(0, eq);
            }
            String name = aliases.getOrDefault(given, given);
            String earlier = spelling.putIfAbsent(name, given);
            if (earlier != null && !earlier.equals(given)) {
                throw new UsageException("--" + earlier + " and --" + given + " are the same option (--" + name
                        + "): give it once");
            }
            if (flagNames.contains(name)) {
                a.flags.add(name);
            } else if (valued.contains(name)) {
                String v = inline;
                if (v == null) {
                    if (i + 1 >= argv.length) {
                        throw new UsageException("--" + given + " needs a value");
                    }
                    v = argv[++i];
                }
                a.values.computeIfAbsent(name, k -> new ArrayList<>()).add(v);
            } else {
                throw new UsageException("unknown option --" + given);
            }
        }
        return a;
    }

    String get(String name) {
        List<String> v = values.get(name);
        return v == null ? null : v.get(v.size() - 1);
    }

    String get(String name, String fallback) {
        String v = get(name);
        return v == null ? fallback : v;
    }

    String required(String name) {
        String v = get(name);
        if (v == null) {
            throw new UsageException("--" + name + " is required");
        }
        return v;
    }

    List<String> all(String name) {
        return values.getOrDefault(name, List.of());
    }

    boolean flag(String name) {
        return flags.contains(name);
    }

    int intValue(String name, int fallback) {
        return value(name, fallback, Integer::parseInt, "a whole number");
    }

    double doubleValue(String name, double fallback) {
        return value(name, fallback, Double::parseDouble, "a number");
    }

    /** --task: detect or segment */
    sparkdet.model.Task task(sparkdet.model.Task fallback) {
        String v = get("task");
        try {
            return v == null ? fallback : sparkdet.model.Task.of(v);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--task must be detect or segment, not '" + v + "'");
        }
    }

    private <T> T value(String name, T fallback, java.util.function.Function<String, T> parse, String what) {
        String v = get(name);
        try {
            return v == null ? fallback : parse.apply(v);
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " takes " + what + ", not '" + v + "'");
        }
    }
}
