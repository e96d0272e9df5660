package sparkdet.model;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.pytorch.Tensor;

/**
 * Writes a dict of named tensors in torch.save's zip format, as PyTorch writes a state dict: a dict
 * pickled with protocol 2, each tensor rebuilt by torch._utils._rebuild_tensor_v2 from a storage
 * record archive/data/N. A plain dict rather than PyTorch's OrderedDict, so that libtorch's
 * pickle_load (C++ users) reads it as well as torch.load; libtorch's pickle_save is not used because
 * JavaCPP offers no way to build a dict IValue.
 */
final class TorchSaveWriter {
    private static final java.time.LocalDateTime FIXED_TIME = java.time.LocalDateTime.of(1980, 1, 1, 0, 0);

    private static final String PREFIX = "archive/";

    private TorchSaveWriter() {
    }

    static void write(Map<String, Tensor> tensors, OutputStream target) throws IOException {
        Pickle pickle = new Pickle();
        ZipOutputStream zip = new ZipOutputStream(target);
        pickle.proto2();
        pickle.emptyDict().mark();
        int key = 0;
        byte[][] storages = new byte[tensors.size()][];
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            Tensor t = e.getValue().detach().cpu().contiguous();
            storages[key] = bytes(t);
            pickle.unicode(e.getKey());
            pickle.global("torch._utils", "_rebuild_tensor_v2").mark();
            pickle.mark().unicode("storage").global("torch", StorageTypes.name(t.scalar_type()))
                    .unicode(Integer.toString(key)).unicode("cpu").integer(t.numel()).tuple().persistentId();
            pickle.integer(0);
            long[] sizes = t.sizes().vec().get();
            pickle.longs(sizes).longs(t.strides().vec().get()).bool(false);
            pickle.global("collections", "OrderedDict").emptyTuple().reduce();
            pickle.tuple().reduce();
            key++;
        }
        pickle.setItems().stop();
        stored(zip, PREFIX + "data.pkl", pickle.toByteArray());
        stored(zip, PREFIX + "byteorder", "little".getBytes(StandardCharsets.US_ASCII));
        for (int i = 0; i < storages.length; i++) {
            stored(zip, PREFIX + "data/" + i, storages[i]);
        }
        stored(zip, PREFIX + "version", "3\n".getBytes(StandardCharsets.US_ASCII));
        zip.finish();
    }

    private static byte[] bytes(Tensor contiguous) {
        long n = contiguous.nbytes();
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("tensor of " + n + " bytes is too large");
        }
        byte[] out = new byte[(int) n];
        new BytePointer(contiguous.data_ptr()).capacity(n).get(out);
        return out;
    }

    /**
     * uncompressed, as torch.save stores records (its readers may map them); dated 1980-01-01 (the
     * zip format's first day) so that the same weights always give the same bytes
     */
    private static void stored(ZipOutputStream zip, String name, byte[] data) throws IOException {
        ZipEntry entry = new ZipEntry(name);
        entry.setTimeLocal(FIXED_TIME);
        entry.setMethod(ZipEntry.STORED);
        entry.setSize(data.length);
        entry.setCompressedSize(data.length);
        CRC32 crc = new CRC32();
        crc.update(data);
        entry.setCrc(crc.getValue());
        zip.putNextEntry(entry);
        zip.write(data);
        zip.closeEntry();
    }

    /** the few pickle protocol 2 opcodes a state dict needs */
    private static final class Pickle {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Pickle proto2() {
            out.write(0x80);
            out.write(2);
            return this;
        }

        Pickle global(String module, String name) {
            out.write('c');
            out.writeBytes((module + "\n" + name + "\n").getBytes(StandardCharsets.UTF_8));
            return this;
        }

        Pickle mark() {
            out.write('(');
            return this;
        }

        Pickle tuple() {
            out.write('t');
            return this;
        }

        Pickle emptyDict() {
            out.write('}');
            return this;
        }

        Pickle emptyTuple() {
            out.write(')');
            return this;
        }

        Pickle reduce() {
            out.write('R');
            return this;
        }

        Pickle persistentId() {
            out.write('Q');
            return this;
        }

        Pickle setItems() {
            out.write('u');
            return this;
        }

        Pickle stop() {
            out.write('.');
            return this;
        }

        Pickle bool(boolean value) {
            out.write(value ? 0x88 : 0x89);
            return this;
        }

        Pickle unicode(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            out.write('X');
            int32(b.length);
            out.writeBytes(b);
            return this;
        }

        Pickle integer(long value) {
            if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("integer out of the pickle's 32-bit range: " + value);
            }
            out.write('J');
            int32((int) value);
            return this;
        }

        Pickle longs(long[] values) {
            mark();
            for (long v : values) {
                integer(v);
            }
            return tuple();
        }

        private void int32(int v) {
            out.write(v);
            out.write(v >>> 8);
            out.write(v >>> 16);
            out.write(v >>> 24);
        }

        byte[] toByteArray() {
            return out.toByteArray();
        }
    }
}
