package sparkdet.model;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Reads a dict of named tensors written by torch.save (a state dict .pth) or by
 * {@link TorchSaveWriter}, in both of torch.save's formats: the zip (PyTorch 1.6 and later: the
 * pickle in archive/data.pkl, each storage in archive/data/KEY) and the legacy one (a sequence of
 * pickles: magic number, protocol version, system info, the object, the storage keys; then each
 * storage as an int64 element count and its bytes).
 */
final class TorchFileReader {
    private static final BigInteger LEGACY_MAGIC = new BigInteger("1950a86a20f9469cfc6c", 16);

    private TorchFileReader() {
    }

    static Map<String, Tensor> read(byte[] bytes, String source) throws IOException {
        Torch.load();
        try {
            if (bytes.length >= 4 && bytes[0] == 'P' && bytes[1] == 'K' && bytes[2] == 3 && bytes[3] == 4) {
                return readZip(bytes, source);
            }
            if (bytes.length > 2 && (bytes[0] & 0xff) == 0x80) {
                return readLegacy(bytes, source);
            }
        } catch (RuntimeException e) {
            throw new IOException(source + ": unreadable torch.save file: " + e, e);
        }
        throw new IOException(source + " is not a PyTorch file (neither torch.save's zip nor its legacy format)");
    }

    private static Map<String, Tensor> readZip(byte[] bytes, String source) throws IOException {
        Map<String, byte[]> records = ZipRecords.read(bytes);
        String pickle = null;
        for (String name : records.keySet()) {
            if (name.endsWith("/data.pkl") && name.indexOf('/') == name.length() - "/data.pkl".length()) {
                pickle = name;
            }
        }
        if (pickle == null) {
            throw new IOException(source + " is a zip without data.pkl: not a torch.save file");
        }
        if (records.containsKey(pickle.replace("data.pkl", "constants.pkl"))) {
            throw new IOException(source + " is a TorchScript archive; sparkdet reads state dicts (torch.save(model.state_dict()))");
        }
        String prefix = pickle.substring(0, pickle.length() - "data.pkl".length());
        Object root = TorchPickle.load(ByteBuffer.wrap(records.get(pickle)).order(ByteOrder.LITTLE_ENDIAN));
        return tensors(root, key -> records.get(prefix + "data/" + key), source);
    }

    private static Map<String, Tensor> readLegacy(byte[] bytes, String source) throws IOException {
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (!LEGACY_MAGIC.equals(TorchPickle.load(in))) {
            throw new IOException(source + " is a pickle but not a torch.save file (no magic number)");
        }
        TorchPickle.load(in); // protocol version
        TorchPickle.load(in); // the writer's type sizes and byte order
        Object root = TorchPickle.load(in);
        Map<String, byte[]> storages = new HashMap<>();
        for (Object key : (List<?>) TorchPickle.load(in)) {
            long elements = in.getLong();
            byte[] data = new byte[Math.toIntExact(elements * elementSize(root, (String) key))];
            in.get(data);
            storages.put((String) key, data);
        }
        return tensors(root, storages::get, source);
    }

    private static long elementSize(Object root, String key) {
        if (root instanceof Map<?, ?> dict) {
            for (Object v : dict.values()) {
                if (v instanceof TorchPickle.TensorRef t && t.storage().key().equals(key)) {
                    return torch.elementSize(t.storage().type());
                }
            }
        }
        throw new IllegalStateException("storage " + key + " is used by no tensor of a state dict");
    }

    private static Map<String, Tensor> tensors(Object root, Function<String, byte[]> storage,
            String source) throws IOException {
        if (!(root instanceof Map<?, ?> dict)) {
            throw new IOException(source + " holds a " + (root == null ? "None" : root.getClass().getSimpleName())
                    + ", not a state dict");
        }
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : dict.entrySet()) {
            if (!(e.getKey() instanceof String name) || !(e.getValue() instanceof TorchPickle.TensorRef t)) {
                throw new IOException(source + " is not a state dict: entry " + e.getKey() + " is not a named tensor"
                        + " (a checkpoint wrapping one? save model.state_dict())");
            }
            byte[] data = storage.apply(t.storage().key());
            if (data == null) {
                throw new IOException(source + ": the data of " + name + " (storage " + t.storage().key() + ") is missing");
            }
            Tensor flat = Tensor.create(data).view(t.storage().type());
            out.put(name, flat.as_strided(t.sizes(), t.strides(), new LongOptional(t.offset())).clone());
        }
        return out;
    }
}
