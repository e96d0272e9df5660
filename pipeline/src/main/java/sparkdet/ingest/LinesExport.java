package sparkdet.ingest;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import sparkdet.data.BoxObject;
import sparkdet.data.DatasetSchema;
import sparkdet.data.Datasets;
import sparkdet.data.ImageRecord;
import sparkdet.io.AtomicOutput;
import sparkdet.io.OutputGuard;
import sparkdet.io.Storage;

/**
 * A dataset back into annotation lines, for the YOLO repositories' train.py. Coordinates are
 * written exactly (191, 107.36900369003689) so that ingesting the file again gives the same
 * boxes; {@code integers} truncates them as those repositories' voc_annotation.py does (their
 * reader parses integers only). The file is written beside the target and renamed into place.
 */
public final class LinesExport {
    private final SparkSession spark;

    public LinesExport(SparkSession spark) {
        this.spark = spark;
    }

    /** @return the number of lines written */
    public long run(String datasetUri, String outputFile, boolean integers, boolean skipDifficult,
                    boolean overwrite) throws IOException {
        Storage storage = new Storage(spark.sparkContext().hadoopConfiguration());
        Path target = Storage.path(outputFile);
        OutputGuard.check(storage, target, overwrite, datasetUri);
        Datasets ds = Datasets.open(spark, datasetUri);
        long[] n = {0};
        AtomicOutput.writeFile(storage, target, out -> {
            Writer w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
            Iterator<Row> it = ds.rows().orderBy("image_id").toLocalIterator();
            while (it.hasNext()) {
                w.write(line(DatasetSchema.fromRow(it.next()), integers, skipDifficult));
                w.write('\n');
                n[0]++;
            }
            w.flush();
        });
        return n[0];
    }

    static String line(ImageRecord r, boolean integers, boolean skipDifficult) {
        Path p = new Path(r.uri);
        String scheme = p.toUri().getScheme();
        StringBuilder sb = new StringBuilder(scheme == null || scheme.equals("file") ? p.toUri().getPath() : r.uri);
        for (BoxObject o : r.objects) {
            if (skipDifficult && o.difficult) {
                continue;
            }
            sb.append(' ').append(number(o.xmin, integers)).append(',').append(number(o.ymin, integers))
                    .append(',').append(number(o.xmax, integers)).append(',').append(number(o.ymax, integers))
                    .append(',').append(o.classIndex);
        }
        return sb.toString();
    }

    private static String number(double v, boolean integers) {
        if (integers || v == Math.rint(v)) {
            return Long.toString((long) v);
        }
        return BigDecimal.valueOf(v).toPlainString();
    }
}
