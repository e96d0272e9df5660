package sparkdet.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import java.io.File;
import java.util.List;

/**
 * The configuration of a command, in layers: the documented defaults (conf/sparkdet-defaults.conf,
 * also inside the jar), then a user file (--conf), then --set key=value overrides.
 */
public final class Settings {
    public static final String DEFAULTS = "sparkdet-defaults.conf";

    private Settings() {
    }

    public static Config load(String userFile, List<String> overrides) {
        Config c = ConfigFactory.parseResources(Settings.class.getClassLoader(), DEFAULTS,
                ConfigParseOptions.defaults().setAllowMissing(false));
        if (userFile != null) {
            File f = new File(userFile);
            if (!f.isFile()) {
                throw new IllegalArgumentException("configuration file " + userFile + " does not exist");
            }
            c = ConfigFactory.parseFile(f, ConfigParseOptions.defaults().setAllowMissing(false)).withFallback(c);
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
            c = ConfigFactory.parseString(key + " = " + quote(o.substring(eq + 1).strip())).withFallback(c);
        }
        return ConfigFactory.systemProperties().withOnlyPath("sparkdet").withFallback(c).resolve();
    }

    private static String quote(String value) {
        if (value.matches("-?\\d+(\\.\\d+)?|true|false") || value.startsWith("[") || value.startsWith("{")) {
            return value;
        }
        return com.typesafe.config.ConfigValueFactory.fromAnyRef(value).render();
    }

    /** the defaults alone: what library code and tests start from */
    public static Config defaults() {
        return load(null, List.of());
    }
}
