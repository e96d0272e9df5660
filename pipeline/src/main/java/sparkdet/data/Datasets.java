package sparkdet.data;

import java.io.IOException;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import sparkdet.io.AtomicOutput;
import sparkdet.io.InputUnusableException;
import sparkdet.io.Storage;

/** A dataset folder written by ingest, opened for reading. */
public record Datasets(Path root, ClassList classes, Dataset<Row> rows) {

    public static Datasets open(SparkSession spark, String uri) throws IOException {
        Storage storage = new Storage(spark.sparkContext().hadoopConfiguration());
        Path root = Storage.path(uri);
        if (!storage.exists(new Path(root, AtomicOutput.SUCCESS))) {
            throw new InputUnusableException(root + " is not a complete dataset (no " + AtomicOutput.SUCCESS
                    + "): write one with `sparkdet ingest`");
        }
        String text = new String(storage.readBytes(new Path(root, DatasetLayout.CLASSES), 64L << 20),
                java.nio.charset.StandardCharsets.UTF_8);
        Dataset<Row> rows = spark.read().schema(DatasetSchema.IMAGE)
                .parquet(new Path(root, DatasetLayout.DATA).toString());
        return new Datasets(root, ClassList.parse(text), rows);
    }
}
