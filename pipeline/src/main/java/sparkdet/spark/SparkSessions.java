package sparkdet.spark;

import com.typesafe.config.Config;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * The Spark session of a command. Under spark-submit the master and the cluster settings come
 * from spark-submit; otherwise from {@code sparkdet.spark} in the configuration (local[*] by
 * default). Either way the settings sparkdet relies on (Kryo, records through Kryo, the Java 17 flags for executors,
 * OMP_NUM_THREADS) are set unless the user set them.
 */
public final class SparkSessions {
    private SparkSessions() {
    }

    public static SparkSession create(Config conf, String appName) {
        Config spark = conf.getConfig("sparkdet.spark");
        SparkConf sc = new SparkConf();
        if (!sc.contains("spark.master")) {
            sc.setMaster(spark.getString("master"));
        }
        sc.setIfMissing("spark.app.name", "sparkdet " + appName);
        sc.setIfMissing("spark.ui.enabled", Boolean.toString(spark.getBoolean("ui")));
        sc.setIfMissing("spark.serializer", "org.apache.spark.serializer.KryoSerializer");
        sc.setIfMissing("spark.kryo.registrator", RecordRegistrator.class.getName());
        sc.setIfMissing("spark.executorEnv.OMP_NUM_THREADS", Integer.toString(spark.getInt("threads-per-task")));
        sc.setIfMissing("spark.executor.extraJavaOptions", spark.getString("executor-java-options"));
        if (!sc.get("spark.master").startsWith("local") && !sc.contains("spark.jars")) {
            // started by bin/sparkdet rather than spark-submit: the executors need this jar too
            appJar().ifPresent(jar -> sc.set("spark.jars", jar));
        }
        for (Map.Entry<String, com.typesafe.config.ConfigValue> e : spark.getConfig("conf").entrySet()) {
            sc.setIfMissing(unquote(e.getKey()), String.valueOf(e.getValue().unwrapped()));
        }
        return SparkSession.builder().config(sc).getOrCreate();
    }

    /** the jar these classes were loaded from, when they were loaded from one */
    private static java.util.Optional<String> appJar() {
        try {
            java.nio.file.Path p = java.nio.file.Path.of(SparkSessions.class.getProtectionDomain().getCodeSource()
                    .getLocation().toURI());
            return p.toString().endsWith(".jar") ? java.util.Optional.of(p.toUri().toString())
                    : java.util.Optional.empty();
        } catch (java.net.URISyntaxException | SecurityException e) {
            return java.util.Optional.empty();
        }
    }

    private static String unquote(String key) {
        return key.replace("\"", "");
    }
}
