package sparkdet.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.serializer.JavaSerializer;
import org.apache.spark.serializer.KryoSerializer;
import org.apache.spark.serializer.Serializer;
import org.apache.spark.serializer.SerializerInstance;
import org.junit.jupiter.api.Test;
import scala.reflect.ClassTag$;
import sparkdet.data.BoxObject;
import sparkdet.data.DatasetStats;
import sparkdet.data.ImageRecord;
import sparkdet.data.QuarantineReason;
import sparkdet.data.Quarantined;

/**
 * What ingest caches and ships between stages survives Spark's serializers (Kryo, the session's
 * default, and Java): a large input spills its cache to disk through them.
 */
class SerializationTest {
    @SuppressWarnings("unchecked")
    private static <T> T roundTrip(Serializer serializer, T value) {
        SerializerInstance s = serializer.newInstance();
        return (T) s.deserialize(s.serialize(value, ClassTag$.MODULE$.AnyRef()), ClassTag$.MODULE$.AnyRef());
    }

    @Test
    void validatedItemsSurviveKryoAndJava() {
        BoxObject box = new BoxObject(2, "tv/monitor", 20, 1.5, 2, 30, 40.25, true, false, true, 99.5, "[[1,2,3,4]]");
        ImageRecord record = new ImageRecord("000123", 123, "file:/x/000123.jpg", "000123.jpg", 640, 480, "val",
                "file:/x/000123.xml", List.of(box));
        IngestItem item = new IngestItem(record, List.of(new Quarantined("src#object2", QuarantineReason.UNKNOWN_LABEL, "d")));
        RecordValidator.Validated v = new RecordValidator.Validated(item, 3);
        DatasetStats stats = new DatasetStats();
        stats.addImage(record);
        for (Serializer serializer : List.of(new KryoSerializer(new SparkConf()), new JavaSerializer(new SparkConf()))) {
            RecordValidator.Validated back = roundTrip(serializer, v);
            assertThat(back.clipped()).isEqualTo(3);
            assertThat(back.item().record.objects).containsExactly(box);
            assertThat(back.item().record.imageId).isEqualTo("000123");
            assertThat(back.item().quarantined.get(0).reason).isEqualTo(QuarantineReason.UNKNOWN_LABEL);
            assertThat(roundTrip(serializer, stats).objects()).isEqualTo(1);
        }
    }
}
