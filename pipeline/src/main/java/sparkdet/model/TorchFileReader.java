package sparkdet.model;

import java.math.BigInteger;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import sparkdet.io.InputUnusableException;

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

    /**
     * @param source the file's name for messages
     * @param maxBytes the most bytes one zip record, storage or tensor of the file may hold
     */
    static Map<String, Tensor> read(byte[] bytes, String source, long maxBytes) {
        Torch.load();
        try {
            if (ZipRecords.startsAsZip(bytes)) {
                return readZip(ZipRecords.open(bytes, source, maxBytes), source, maxBytes);
            }
            if (bytes.length > 2 && (bytes[0] & 0xff) == 0x80) {
                return readLegacy(bytes, source, maxBytes);
            }
        } catch (BufferUnderflowException e) {
            throw new InputUnusableException(source + ": not a readable torch.save file: it ends early (truncated?)", e);
        } catch (InputUnusableException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new InputUnusableException(source + ": not a readable torch.save file: " + Torch.firstLine(e), e);
        }
        throw new InputUnusableException(source + " is not a PyTorch file (neither torch.save's zip nor its legacy format)");
    }

    private static Map<String, Tensor> readZip(ZipRecords records, String source, long maxBytes) {
        String pickle = null;
        for (String name : records.names()) {
            if (name.endsWith("/data.pkl") && name.indexOf('/') == name.length() - "/data.pkl".length()) {
                pickle = name;
            }
        }
        if (pickle == null) {
            throw new InputUnusableException(source + " is a zip without data.pkl: not a torch.save file");
        }
        if (records.contains(pickle.replace("data.pkl", "constants.pkl"))) {
            throw new InputUnusableException(source + " is a TorchScript archive; sparkdet reads state dicts "
                    + "(torch.save(model.state_dict()))");
        }
        String prefix = pickle.substring(0, pickle.length() - "data.pkl".length());
        Object root = TorchPickle.load(ByteBuffer.wrap(records.read(pickle)).order(ByteOrder.LITTLE_ENDIAN));
        return tensors(root, key -> records.read(prefix + "data/" + key), source, maxBytes);
    }

    private static Map<String, Tensor> readLegacy(byte[] bytes, String source, long maxBytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (!LEGACY_MAGIC.equals(TorchPickle.load(in))) {
            throw new InputUnusableException(source + " is a pickle but not a torch.save file (no magic number)");
        }
        TorchPickle.load(in); // protocol version
        TorchPickle.load(in); // the writer's type sizes and byte order
        Object root = TorchPickle.load(in);
        Map<String, byte[]> storages = new HashMap<>();
        for (Object key : (List<?>) TorchPickle.load(in)) {
            long elements = in.getLong();
            long size = elementSize(root, (String) key);
            // checked before allocating: the count is the file's word, the bytes left are its real size
            if (elements < 0 || elements > in.remaining() / size) {
                throw new InputUnusableException(source + ": storage " + key + " declares " + elements
                        + " elements of " + size + " bytes, more than the " + in.remaining() + " bytes left in the file");
            }
            byte[] data = new byte[(int) (elements * size)];
            in.get(data);
            storages.put((String) key, data);
        }
        return tensors(root, storages::get, source, maxBytes);
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
            String source, long maxBytes) {
        if (!(root instanceof Map<?, ?> dict)) {
            throw new InputUnusableException(source + " holds " + TorchPickle.describe(root) + ", not a state dict");
        }
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : dict.entrySet()) {
            if (!(e.getKey() instanceof String name) || !(e.getValue() instanceof TorchPickle.TensorRef t)) {
                throw new InputUnusableException(source + " is not a state dict: entry " + e.getKey() + " is not a named tensor"
                        + " (a checkpoint wrapping one? save model.state_dict())");
            }
            byte[] data = storage.apply(t.storage().key());
            if (data == null) {
                throw new InputUnusableException(source + ": the data of " + name + " (storage " + t.storage().key()
                        + ") is missing");
            }
            checkExtent(name, t, data.length, source, maxBytes);
            Tensor flat = Tensor.create(data).view(t.storage().type());
            out.put(name, flat.as_strided(t.sizes(), t.strides(), new LongOptional(t.offset())).clone());
        }
        return out;
    }

    /**
     * A tensor is a strided view of its storage, copied out: its declared sizes and strides must stay
     * inside the storage's real bytes (else libtorch reads past them) and its copy within the cap
     * (a stride of 0 makes a 4-byte storage look like gigabytes).
     */
    private static void checkExtent(String name, TorchPickle.TensorRef t, int storageBytes, String source,
            long maxBytes) {
        long elementSize = torch.elementSize(t.storage().type());
        String problem = null;
        if (storageBytes % elementSize != 0) {
            problem = "its storage holds " + storageBytes + " bytes, not a whole number of " + elementSize + "-byte elements";
        } else if (t.sizes().length != t.strides().length || t.offset() < 0) {
            problem = "its sizes, strides or offset are malformed";
        } else {
            try {
                long elements = 1;
                long last = t.offset();
                for (int d = 0; d < t.sizes().length; d++) {
                    if (t.sizes()[d] < 0 || t.strides()[d] < 0) {
                        throw new ArithmeticException("negative size or stride");
                    }
                    elements = Math.multiplyExact(elements, t.sizes()[d]);
                    last = Math.addExact(last, Math.multiplyExact(Math.max(0, t.sizes()[d] - 1), t.strides()[d]));
                }
                if (elements > 0 && last >= storageBytes / elementSize) {
                    problem = "its shape " + Arrays.toString(t.sizes()) + " reaches element " + last + " of a storage of "
                            + storageBytes / elementSize;
                } else if (Math.multiplyExact(elements, elementSize) > maxBytes) {
                    problem = "its shape " + Arrays.toString(t.sizes()) + " holds more than the " + maxBytes
                            + " bytes allowed (models.max-bytes)";
                }
            } catch (ArithmeticException e) {
                problem = "its shape " + Arrays.toString(t.sizes()) + " and strides " + Arrays.toString(t.strides())
                        + " are out of range";
            }
        }
        if (problem != null) {
            throw new InputUnusableException(source + ": tensor " + name + " is unusable: " + problem);
        }
    }
}
