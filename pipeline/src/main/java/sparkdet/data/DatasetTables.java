package sparkdet.data;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import sparkdet.io.AtomicOutput;
import sparkdet.io.Csv;
import sparkdet.io.OutputGuard;
import sparkdet.io.Storage;

/**
 * A dataset's rows as one flat table, for readers without Parquet (pandas without pyarrow, a
 * spreadsheet): one row per image, or one per object with its image's keys; CSV (RFC 4180,
 * UTF-8) or JSON (an array of objects), as the file's extension says. Rows in image_id order,
 * objects in source order; streamed to the driver one partition at a time, written beside the
 * target and renamed into place.
 */
public final class DatasetTables {
    /** which table */
    public enum Table {
        IMAGES(List.of("image_id", "coco_image_id", "file_name", "uri", "width", "height", "split", "objects",
                "mask_uri")),
        BOXES(List.of("image_id", "file_name", "image_width", "image_height", "class_index", "label", "category_id",
                "xmin", "ymin", "xmax", "ymax", "area", "difficult", "truncated", "iscrowd"));

        private final List<String> columns;

        Table(List<String> columns) {
            this.columns = columns;
        }

        public List<String> columns() {
            return columns;
        }

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** @throws IllegalArgumentException naming the tables there are */
        public static Table of(String label) {
            for (Table t : values()) {
                if (t.label().equals(label)) {
                    return t;
                }
            }
            throw new IllegalArgumentException("table must be one of " + Arrays.stream(values()).map(Table::label)
                    .toList() + ", not '" + label + "'");
        }

        /** the table's rows of one dataset row: one image row, or one row per object */
        List<List<Object>> rowsOf(ImageRecord r) {
            if (this == IMAGES) {
                return List.of(Arrays.asList(r.imageId, r.cocoImageId, r.fileName, r.uri, r.width, r.height,
                        r.split, r.objects.size(), r.maskUri));
            }
            List<List<Object>> rows = new ArrayList<>(r.objects.size());
            for (BoxObject o : r.objects) {
                rows.add(Arrays.asList(r.imageId, r.fileName, r.width, r.height, o.classIndex, o.label,
                        o.categoryId, o.xmin, o.ymin, o.xmax, o.ymax, o.area, o.difficult, o.truncated,
                        o.iscrowd));
            }
            return rows;
        }
    }

    /** the file format, by the output's extension */
    public enum Format {
        CSV, JSON;

        /** @throws IllegalArgumentException when the name ends in neither .csv nor .json */
        public static Format ofFile(String name) {
            String lower = name.toLowerCase(Locale.ROOT);
            if (lower.endsWith(".csv")) {
                return CSV;
            }
            if (lower.endsWith(".json")) {
                return JSON;
            }
            throw new IllegalArgumentException("the output must end in .csv or .json (the format), not '" + name + "'");
        }
    }

    private final SparkSession spark;

    public DatasetTables(SparkSession spark) {
        this.spark = spark;
    }

    /** @return the number of table rows written */
    public long write(String datasetUri, Table table, String outputFile, boolean overwrite) throws IOException {
        Format format = Format.ofFile(outputFile);
        Storage storage = new Storage(spark.sparkContext().hadoopConfiguration());
        Path target = Storage.path(outputFile);
        OutputGuard.check(storage, target, overwrite, datasetUri);
        Datasets ds = Datasets.open(spark, datasetUri);
        long[] written = {0};
        AtomicOutput.writeFile(storage, target, out -> {
            RowWriter w = format == Format.CSV ? new CsvWriter(out, table.columns()) : new JsonWriter(out, table.columns());
            Iterator<Row> it = ds.rows().orderBy("image_id").toLocalIterator();
            while (it.hasNext()) {
                for (List<Object> row : table.rowsOf(DatasetSchema.fromRow(it.next()))) {
                    w.write(row);
                    written[0]++;
                }
            }
            w.finish();
        });
        return written[0];
    }

    private interface RowWriter {
        void write(List<Object> values) throws IOException;

        void finish() throws IOException;
    }

    /** a header line, then one line per row; null is an empty field */
    private static final class CsvWriter implements RowWriter {
        private final Writer w;

        CsvWriter(OutputStream out, List<String> columns) throws IOException {
            w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
            write(new ArrayList<>(columns));
        }

        @Override
        public void write(List<Object> values) throws IOException {
            for (int i = 0; i < values.size(); i++) {
                if (i > 0) {
                    w.write(',');
                }
                Object v = values.get(i);
                if (v != null) {
                    w.write(Csv.field(v.toString()));
                }
            }
            w.write('\n');
        }

        @Override
        public void finish() throws IOException {
            w.flush();
        }
    }

    /** an array of objects, one a line, keyed by the column names */
    private static final class JsonWriter implements RowWriter {
        private final JsonGenerator g;
        private final List<String> columns;

        JsonWriter(OutputStream out, List<String> columns) throws IOException {
            this.columns = columns;
            g = new JsonFactory().createGenerator(out).disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            g.writeStartArray();
        }

        @Override
        public void write(List<Object> values) throws IOException {
            g.writeRaw('\n');
            g.writeStartObject();
            for (int i = 0; i < values.size(); i++) {
                g.writeFieldName(columns.get(i));
                Object v = values.get(i);
                if (v == null) {
                    g.writeNull();
                } else if (v instanceof String s) {
                    g.writeString(s);
                } else if (v instanceof Boolean b) {
                    g.writeBoolean(b);
                } else if (v instanceof Double d) {
                    g.writeNumber(d);
                } else {
                    g.writeNumber(((Number) v).longValue());
                }
            }
            g.writeEndObject();
        }

        @Override
        public void finish() throws IOException {
            g.writeRaw('\n');
            g.writeEndArray();
            g.writeRaw('\n');
            g.flush();
        }
    }
}
