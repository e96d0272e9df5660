package sparkdet.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sparkdet.io.AtomicOutput;
import sparkdet.testing.TestSpark;

/** The mask columns: written and read back, and absent from datasets written before them. */
class DatasetSchemaTest {
    @TempDir
    Path tmp;

    @Test
    void maskColumnsRoundTripThroughParquet() throws Exception {
        long[] pixels = new long[ImageRecord.MASK_VALUES];
        pixels[0] = 90;
        pixels[3] = 8;
        pixels[255] = 2;
        ImageRecord withMask = new ImageRecord("a", 1, "file:/x/a.jpg", "a.jpg", 10, 10, "train", "file:/x/a.png",
                List.of(), "file:/x/a.png", pixels);
        ImageRecord detection = new ImageRecord("b", 2, "file:/x/b.jpg", "b.jpg", 10, 10, "train", "file:/x/b.xml",
                List.of(new BoxObject(0, "dog", -1, 1, 1, 5, 5, false, false, false, 16, null)));
        Path ds = dataset(tmp.resolve("ds"));
        try (ParquetWriter<ImageRecord> w = DatasetParquet.open(
                new org.apache.hadoop.fs.Path(ds.resolve("data/part-00000.zstd.parquet").toUri()),
                TestSpark.session().sparkContext().hadoopConfiguration())) {
            w.write(withMask);
            w.write(detection);
        }

        List<ImageRecord> read = readBack(ds);
        assertThat(read).extracting(r -> r.imageId).containsExactly("a", "b");
        assertThat(read.get(0).maskUri).isEqualTo("file:/x/a.png");
        assertThat(read.get(0).maskPixels).containsExactly(pixels);
        assertThat(read.get(0).hasMask()).isTrue();
        assertThat(read.get(1).maskUri).isNull();
        assertThat(read.get(1).maskPixels).isNull();
        assertThat(read.get(1).objects).hasSize(1);
    }

    /** a detection dataset written before the mask columns existed, as Spark wrote it then */
    @Test
    void datasetsWithoutTheMaskColumnsStillLoad() throws Exception {
        StructField[] fields = DatasetSchema.IMAGE.fields();
        StructType before = new StructType(Arrays.copyOf(fields, fields.length - 2));
        assertThat(before.fieldNames()).doesNotContain("mask_uri", "mask_pixels").endsWith("objects");
        Row box = RowFactory.create(0, "dog", -1L, 1.0, 2.0, 3.0, 4.0, false, false, false, 4.0, null);
        Row row = RowFactory.create("000001", 1L, "file:/x/000001.jpg", "000001.jpg", 64, 48, "train",
                "file:/x/000001.xml", List.of(box));
        Path ds = dataset(tmp.resolve("old"));
        TestSpark.session().createDataFrame(List.of(row), before).write().mode("overwrite")
                .parquet(ds.resolve("data").toString());

        List<ImageRecord> read = readBack(ds);
        assertThat(read).hasSize(1);
        ImageRecord r = read.get(0);
        assertThat(r.imageId).isEqualTo("000001");
        assertThat(r.objects).extracting(o -> o.label + " " + o.xmax).containsExactly("dog 3.0");
        assertThat(r.hasMask()).isFalse();
        assertThat(r.maskPixels).isNull();
    }

    @Test
    void aMaskNeedsItsUriAndAllItsCounts() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new ImageRecord("a", 1, "u", "f", 1, 1, null, "s",
                List.of(), "file:/m.png", new long[3])).hasMessageContaining("256 pixel counts");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new ImageRecord("a", 1, "u", "f", 1, 1, null, "s",
                List.of(), null, new long[256])).isInstanceOf(IllegalArgumentException.class);
    }

    private static Path dataset(Path root) throws Exception {
        Files.createDirectories(root.resolve("data"));
        Files.writeString(root.resolve(DatasetLayout.CLASSES), "dog\n");
        Files.writeString(root.resolve(AtomicOutput.SUCCESS), "");
        return root;
    }

    private static List<ImageRecord> readBack(Path ds) throws Exception {
        return Datasets.open(TestSpark.session(), ds.toString()).rows().orderBy("image_id").collectAsList().stream()
                .map(DatasetSchema::fromRow).toList();
    }
}
