package sparkdet.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import java.io.File;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The configuration of a command, in layers: the documented defaults (conf/sparkdet-defaults.conf,
 * also inside the jar), then a user file (--conf), then --set key=value overrides.
 */
public final class Settings {
    public static final String DEFAULTS = "sparkdet-defaults.conf";
    private static final String ROOT = "sparkdet";
    private static final String FREE_SECTION = "sparkdet.spark.conf";

    private Settings() {
    }

    public static Config load(String userFile, List<String> overrides) {
        Config defaults = ConfigFactory.parseResources(Settings.class.getClassLoader(), DEFAULTS,
                ConfigParseOptions.defaults().setAllowMissing(false));
        Set<String> known = leaves(defaults.root()).keySet();
        Config c = defaults;
        if (userFile != null) {
            File f = new File(userFile);
            if (!f.isFile()) {
                throw new IllegalArgumentException("configuration file " + userFile + " does not exist");
            }
            Config file = ConfigFactory.parseFile(f, ConfigParseOptions.defaults().setAllowMissing(false));
            checkKeys(file, known);
            c = file.withFallback(c);
        }
        for (String o : overrides) {
            int eq = o.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("--set takes key=value, not '" + o + "'");
            }
            String key = o.substring(0, eq).strip();
            if (!key.startsWith("sparkdet.")) {
                key = "sparkdet." + key;
            }
            Config override = ConfigFactory.parseString(key + " = " + quote(o.substring(eq + 1).strip()),
                    ConfigParseOptions.defaults().setOriginDescription("--set " + o));
            checkKeys(override, known);
            c = override.withFallback(c);
        }
        return ConfigFactory.systemProperties().withOnlyPath("sparkdet").withFallback(c).resolve();
    }

    /**
     * Every setting a user layer (--conf file, --set) gives under {@code sparkdet} must be one the
     * defaults document (a misspelt key would otherwise be ignored and its default used): the error
     * names the key, where it came from and the nearest known one. Spark's own settings
     * ({@value #FREE_SECTION}) are free.
     */
    private static void checkKeys(Config layer, Set<String> known) {
        if (!layer.root().containsKey(ROOT)) {
            return;
        }
        for (Map.Entry<String, ConfigValue> e : leaves(layer.root()).entrySet()) {
            String key = e.getKey();
            if (!key.startsWith(ROOT + ".") || key.startsWith(FREE_SECTION + ".") || known.contains(key)) {
                continue;
            }
            String nearest = known.stream().min(Comparator.comparingInt(k -> distance(k, key))).orElse(null);
            throw new IllegalArgumentException("unknown setting " + key + " (" + e.getValue().origin().description()
                    + ")" + (nearest != null && distance(nearest, key) <= Math.max(2, key.length() / 4)
                    ? "; did you mean " + nearest + "?" : "; conf/sparkdet-defaults.conf lists every setting"));
        }
    }

    /** the values that are not objects, by path, without resolving substitutions */
    private static Map<String, ConfigValue> leaves(ConfigObject root) {
        Map<String, ConfigValue> out = new LinkedHashMap<>();
        collectLeaves(root, List.of(), out);
        return out;
    }

    private static void collectLeaves(ConfigObject object, List<String> at, Map<String, ConfigValue> out) {
        for (Map.Entry<String, ConfigValue> e : object.entrySet()) {
            List<String> path = new ArrayList<>(at);
            path.add(e.getKey());
            if (e.getValue() instanceof ConfigObject child && !child.isEmpty()) {
                collectLeaves(child, path, out);
            } else {
                out.put(ConfigUtil.joinPath(path), e.getValue());
            }
        }
    }

    /** Levenshtein distance */
    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
            }
            int[] t = previous;
            previous = current;
            current = t;
        }
        return previous[b.length()];
    }

    private static String quote(String value) {
        // null is HOCON's null (a setting back to "none"), not the string "null"
        if (value.matches("-?\\d+(\\.\\d+)?|true|false|null") || value.startsWith("[") || value.startsWith("{")) {
            return value;
        }
        return com.typesafe.config.ConfigValueFactory.fromAnyRef(value).render();
    }

    /** the defaults alone: what library code and tests start from */
    public static Config defaults() {
        return load(null, List.of());
    }
}
