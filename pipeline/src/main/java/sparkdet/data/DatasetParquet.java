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
            field("coco_image_id", 1, () -> out.addLong(r.cocoImageId));
            string("uri", 2, r.uri);
            string("file_name", 3, r.fileName);
            field("width", 4, () -> out.addInteger(r.width));
            field("height", 5, () -> out.addInteger(r.height));
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
            field("class_index", 0, () -> out.addInteger(o.classIndex));
            string("label", 1, o.label);
            field("category_id", 2, () -> out.addLong(o.categoryId));
            field("xmin", 3, () -> out.addDouble(o.xmin));
            field("ymin", 4, () -> out.addDouble(o.ymin));
            field("xmax", 5, () -> out.addDouble(o.xmax));
            field("ymax", 6, () -> out.addDouble(o.ymax));
            field("difficult", 7, () -> out.addBoolean(o.difficult));
            field("truncated", 8, () -> out.addBoolean(o.truncated));
            field("iscrowd", 9, () -> out.addBoolean(o.iscrowd));
            field("area", 10, () -> out.addDouble(o.area));
            if (o.segmentation != null) {
                string("segmentation", 11, o.segmentation);
            }
        }

        private void string(String name, int index, String value) {
            field(name, index, () -> out.addBinary(Binary.fromString(value)));
        }

        private void field(String name, int index, Runnable value) {
            out.startField(name, index);
            value.run();
            out.endField(name, index);
        }
    }
}
