package sparkdet.data;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.util.HadoopOutputFile;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.MessageType;
import org.apache.spark.sql.execution.datasources.parquet.SparkToParquetSchemaConverter;

/**
 * Dataset rows written straight to Parquet from {@link ImageRecord}s, in exactly the layout
 * Spark writes for {@link DatasetSchema#IMAGE} (the schema comes from Spark's own converter and
 * Spark's schema is stored in the footer), so Spark reads the files as its own. Going around
 * Spark's row conversion makes ingest three times faster: it was most of the write's time.
 */
public final class DatasetParquet {
    /** the footer key under which Spark keeps a file's Spark schema */
    private static final String SPARK_SCHEMA_KEY = "org.apache.spark.sql.parquet.row.metadata";
    /** Spark's converter with its own defaults (standard, non-legacy layout), spelled out as Scala compiles them */
    private static final MessageType SCHEMA = new SparkToParquetSchemaConverter(
            SparkToParquetSchemaConverter.$lessinit$greater$default$1(),
            SparkToParquetSchemaConverter.$lessinit$greater$default$2(),
            SparkToParquetSchemaConverter.$lessinit$greater$default$3()).convert(DatasetSchema.IMAGE);

    private static final String[] IMAGE = DatasetSchema.IMAGE.fieldNames();
    private static final String[] OBJECT = DatasetSchema.OBJECT.fieldNames();

    private DatasetParquet() {
    }

    /** a writer of one Parquet file (replaced if it exists: a retried task rewrites its own file) */
    public static ParquetWriter<ImageRecord> open(Path file, Configuration conf) throws IOException {
        return new Builder(HadoopOutputFile.fromPath(file, conf))
                .withConf(conf)
                .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
                .withCompressionCodec(CompressionCodecName.ZSTD)
                .withWriterVersion(ParquetProperties.WriterVersion.PARQUET_1_0)
                // coordinates and segmentations are nearly all distinct: no dictionary for them
                .withDictionaryEncoding(false)
                .withDictionaryEncoding("objects.list.element.label", true)
                .withDictionaryEncoding("split", true)
                .build();
    }

    private static final class Builder extends ParquetWriter.Builder<ImageRecord, Builder> {
        Builder(OutputFile file) {
            super(file);
        }

        @Override
        protected Builder self() {
            return this;
        }

        @Override
        protected WriteSupport<ImageRecord> getWriteSupport(Configuration conf) {
            return new RecordWriteSupport();
        }
    }

    private static final class RecordWriteSupport extends WriteSupport<ImageRecord> {
        private RecordConsumer out;

        @Override
        public WriteContext init(Configuration configuration) {
            Map<String, String> meta = new HashMap<>();
            meta.put(SPARK_SCHEMA_KEY, DatasetSchema.IMAGE.json());
            return new WriteContext(SCHEMA, meta);
        }

        @Override
        public void prepareForWrite(RecordConsumer recordConsumer) {
            out = recordConsumer;
        }

        // one line a field: start it, add the value, end it (no lambdas: this runs for every value)
        @Override
        public void write(ImageRecord r) {
            out.startMessage();
            start(IMAGE, 0); string(r.imageId); end(IMAGE, 0);
            start(IMAGE, 1); out.addLong(r.cocoImageId); end(IMAGE, 1);
            start(IMAGE, 2); string(r.uri); end(IMAGE, 2);
            start(IMAGE, 3); string(r.fileName); end(IMAGE, 3);
            start(IMAGE, 4); out.addInteger(r.width); end(IMAGE, 4);
            start(IMAGE, 5); out.addInteger(r.height); end(IMAGE, 5);
            if (r.split != null) {
                start(IMAGE, 6); string(r.split); end(IMAGE, 6);
            }
            start(IMAGE, 7); string(r.source); end(IMAGE, 7);
            start(IMAGE, 8);
            out.startGroup();
            if (!r.objects.isEmpty()) {
                out.startField("list", 0);
                for (BoxObject o : r.objects) {
                    out.startGroup();
                    out.startField("element", 0);
                    out.startGroup();
                    writeObject(o);
                    out.endGroup();
                    out.endField("element", 0);
                    out.endGroup();
                }
                out.endField("list", 0);
            }
            out.endGroup();
            end(IMAGE, 8);
            if (r.maskUri != null) {
                start(IMAGE, 9); string(r.maskUri); end(IMAGE, 9);
                start(IMAGE, 10);
                out.startGroup();
                out.startField("list", 0);
                for (long count : r.maskPixels) {
                    out.startGroup();
                    out.startField("element", 0);
                    out.addLong(count);
                    out.endField("element", 0);
                    out.endGroup();
                }
                out.endField("list", 0);
                out.endGroup();
                end(IMAGE, 10);
            }
            out.endMessage();
        }

        private void writeObject(BoxObject o) {
            start(OBJECT, 0); out.addInteger(o.classIndex); end(OBJECT, 0);
            start(OBJECT, 1); string(o.label); end(OBJECT, 1);
            start(OBJECT, 2); out.addLong(o.categoryId); end(OBJECT, 2);
            start(OBJECT, 3); out.addDouble(o.xmin); end(OBJECT, 3);
            start(OBJECT, 4); out.addDouble(o.ymin); end(OBJECT, 4);
            start(OBJECT, 5); out.addDouble(o.xmax); end(OBJECT, 5);
            start(OBJECT, 6); out.addDouble(o.ymax); end(OBJECT, 6);
            start(OBJECT, 7); out.addBoolean(o.difficult); end(OBJECT, 7);
            start(OBJECT, 8); out.addBoolean(o.truncated); end(OBJECT, 8);
            start(OBJECT, 9); out.addBoolean(o.iscrowd); end(OBJECT, 9);
            start(OBJECT, 10); out.addDouble(o.area); end(OBJECT, 10);
            if (o.segmentation != null) {
                start(OBJECT, 11); string(o.segmentation); end(OBJECT, 11);
            }
        }

        private void start(String[] names, int index) {
            out.startField(names[index], index);
        }

        private void end(String[] names, int index) {
            out.endField(names[index], index);
        }

        private void string(String value) {
            out.addBinary(Binary.fromString(value));
        }
    }
}
