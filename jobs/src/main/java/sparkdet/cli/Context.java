package sparkdet.cli;

import com.typesafe.config.Config;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import sparkdet.config.Settings;
import sparkdet.spark.SparkSessions;

/** What a command runs with: its configuration, a Spark session made on first use, its output. */
final class Context implements AutoCloseable {
    private final Config config;
    private final String commandName;
    private final PrintStream out;
    private SparkSession spark;

    Context(Args args, String commandName, PrintStream out) {
        List<String> overrides = new ArrayList<>(args.all("set"));
        String master = args.get("master");
        if (master != null) {
            overrides.add("spark.master=" + master);
        }
        try {
            this.config = Settings.load(args.get("conf"), overrides);
        } catch (IllegalArgumentException | com.typesafe.config.ConfigException e) {
            throw new UsageException(e.getMessage());
        }
        this.commandName = commandName;
        this.out = out;
    }

    Config config() {
        return config;
    }

    /** a command's own result lines go here (logs go through SLF4J) */
    PrintStream out() {
        return out;
    }

    SparkSession spark() {
        if (spark == null) {
            spark = SparkSessions.create(config, commandName);
        }
        return spark;
    }

    @Override
    public void close() {
        if (spark != null) {
            spark.stop();
        }
    }
}
