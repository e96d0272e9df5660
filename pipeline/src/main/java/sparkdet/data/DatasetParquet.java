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

        @Override
        public void write(ImageRecord r) {
            out.startMessage();
            string("image_id", 0, r.imageId);
            int64("coco_image_id", 1, r.cocoImageId);
            string("uri", 2, r.uri);
            string("file_name", 3, r.fileName);
            int32("width", 4, r.width);
            int32("height", 5, r.height);
            if (r.split != null) {
                string("split", 6, r.split);
            }
            string("source", 7, r.source);
            out.startField("objects", 8);
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
            out.endField("objects", 8);
            out.endMessage();
        }

        private void writeObject(BoxObject o) {
            int32("class_index", 0, o.classIndex);
            string("label", 1, o.label);
            int64("category_id", 2, o.categoryId);
            float64("xmin", 3, o.xmin);
            float64("ymin", 4, o.ymin);
            float64("xmax", 5, o.xmax);
            float64("ymax", 6, o.ymax);
            bool("difficult", 7, o.difficult);
            bool("truncated", 8, o.truncated);
            bool("iscrowd", 9, o.iscrowd);
            float64("area", 10, o.area);
            if (o.segmentation != null) {
                string("segmentation", 11, o.segmentation);
            }
        }

        private void string(String name, int index, String value) {
            out.startField(name, index);
            out.addBinary(Binary.fromString(value));
            out.endField(name, index);
        }

        private void int32(String name, int index, int value) {
            out.startField(name, index);
            out.addInteger(value);
            out.endField(name, index);
        }

        private void int64(String name, int index, long value) {
            out.startField(name, index);
            out.addLong(value);
            out.endField(name, index);
        }

        private void float64(String name, int index, double value) {
            out.startField(name, index);
            out.addDouble(value);
            out.endField(name, index);
        }

        private void bool(String name, int index, boolean value) {
            out.startField(name, index);
            out.addBoolean(value);
            out.endField(name, index);
        }
    }
}
