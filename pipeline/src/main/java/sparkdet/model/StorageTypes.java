package sparkdet.model;

import java.util.List;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * PyTorch's legacy storage class names (torch.FloatStorage ...), which name a tensor's dtype in .pth
 * pickles. Matched on ScalarType.value: JavaCPP may hand back enum instances that are not the
 * constants, so neither == nor an EnumMap works on them.
 */
final class StorageTypes {
    private record Entry(ScalarType type, String name) {
    }

    private static final List<Entry> ENTRIES = List.of(
            new Entry(ScalarType.Float, "FloatStorage"),
            new Entry(ScalarType.Double, "DoubleStorage"),
            new Entry(ScalarType.Half, "HalfStorage"),
            new Entry(ScalarType.BFloat16, "BFloat16Storage"),
            new Entry(ScalarType.Long, "LongStorage"),
            new Entry(ScalarType.Int, "IntStorage"),
            new Entry(ScalarType.Short, "ShortStorage"),
            new Entry(ScalarType.Char, "CharStorage"),
            new Entry(ScalarType.Byte, "ByteStorage"),
            new Entry(ScalarType.Bool, "BoolStorage"));

    private StorageTypes() {
    }

    static String name(ScalarType type) {
        for (Entry e : ENTRIES) {
            if (e.type().value == type.value) {
                return e.name();
            }
        }
        throw new IllegalArgumentException("no PyTorch storage type for dtype number " + type.value);
    }

    static ScalarType type(String storageName) {
        for (Entry e : ENTRIES) {
            if (e.name().equals(storageName)) {
                return e.type();
            }
        }
        throw new IllegalArgumentException("unsupported storage type torch." + storageName);
    }
}
