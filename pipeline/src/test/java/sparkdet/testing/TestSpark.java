package sparkdet.testing;

import com.typesafe.config.Config;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import sparkdet.config.Settings;
import sparkdet.image.PixelLimit;
import sparkdet.spark.SparkSessions;

/** One real local Spark session (two cores) shared by a module's tests. */
public final class TestSpark {
    private static SparkSession spark;

    private TestSpark() {
    }

    public static synchronized SparkSession session() {
        if (spark == null) {
            spark = SparkSessions.create(config(), "tests");
        }
        return spark;
    }

    public static Config config() {
        return Settings.load(null, List.of("spark.master=local[2]"));
    }

    /** the documented default of sparkdet.images.max-pixels */
    public static PixelLimit pixelLimit() {
        return PixelLimit.of(config());
    }
}
