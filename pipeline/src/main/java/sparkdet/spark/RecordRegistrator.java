package sparkdet.spark;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.serializers.JavaSerializer;
import org.apache.spark.serializer.KryoRegistrator;

/**
 * Java records through Kryo: Spark's Kryo 4 cannot build a record (its field serializer writes
 * final fields, which records forbid), so records travel by Java serialization, which calls
 * their canonical constructors.
 */
public final class RecordRegistrator implements KryoRegistrator {
    @Override
    public void registerClasses(Kryo kryo) {
        kryo.addDefaultSerializer(Record.class, JavaSerializer.class);
    }
}
