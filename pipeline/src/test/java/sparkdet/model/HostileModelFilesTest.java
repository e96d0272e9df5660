package sparkdet.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.hadoop.conf.Configuration;
import org.bytedeco.javacpp.PointerScope;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sparkdet.data.ClassList;
import sparkdet.io.InputUnusableException;
import sparkdet.io.Storage;

/**
 * Model files as a hostile user makes them (issue 12, part 3): zips whose directory lies, entries
 * that would inflate to gigabytes, pickles and storages that declare more than the file holds.
 * Each is refused before the memory is taken, as one line naming the file (and entry); entries a
 * model does not need are never inflated. The files are crafted small: a declared size is a field.
 */
class HostileModelFilesTest {
    private static final Storage STORAGE = new Storage(new Configuration());
    private static final long NO_CAP = ModelFiles.MAX_BYTES_CEILING;

    /** an entry model.zip does not use is never inflated, whatever it declares (it once cost 2.75 GB, or overflowed) */
    @Test
    void unusedEntriesAreNeverInflated(@TempDir Path dir) throws Exception {
        try (PointerScope scope = new PointerScope()) {
            Map<String, byte[]> entries = modelEntries(dir);
            entries.put("notes.bin", new byte[1 << 20]);
            byte[] zip = declareSize(zip(entries), "notes.bin", 0xffffffffL);
            Path file = Files.write(dir.resolve("padded.zip"), zip);
            ModelArchive.Loaded loaded = ModelArchive.read(STORAGE, file.toString(), NO_CAP);
            assertThat(loaded.spec().classes().names()).containsExactly("a", "b");
        }
    }

    /** a needed entry whose directory size lies, more (2^31 once overflowed) or less, is refused by name */
    @Test
    void aDirectoryThatLiesAboutASizeIsRefusedNamingTheEntry(@TempDir Path dir) throws Exception {
        try (PointerScope scope = new PointerScope()) {
            Map<String, byte[]> entries = modelEntries(dir);
            int real = entries.get(ModelArchive.WEIGHTS_ENTRY).length;
            byte[] zip = zip(entries);
            for (long lie : List.of(1L << 31, 0xffffffffL, (long) real - 1, (long) real + 1000)) {
                Path file = Files.write(dir.resolve("lie-" + lie + ".zip"), declareSize(zip, ModelArchive.WEIGHTS_ENTRY, lie));
                assertThatThrownBy(() -> ModelArchive.read(STORAGE, file.toString(), NO_CAP)).as("declared %d", lie)
                        .isInstanceOf(InputUnusableException.class)
                        .hasMessageContaining(file.getFileName() + "!/weights.pth: ")
                        .hasMessageNotContaining("\n");
            }
        }
    }

    /** models.max-bytes bounds what an entry inflates to (a few KB of zip declaring megabytes) and the file */
    @Test
    void theCapBoundsEntriesAndFiles(@TempDir Path dir) throws Exception {
        try (PointerScope scope = new PointerScope()) {
            Map<String, byte[]> entries = modelEntries(dir);
            // JSON allows any whitespace: a model.json of 4 MB that deflates to a few KB
            byte[] json = entries.get(ModelArchive.SPEC_ENTRY);
            byte[] padded = Arrays.copyOf(json, json.length + (4 << 20));
            Arrays.fill(padded, json.length, padded.length, (byte) ' ');
            entries.put(ModelArchive.SPEC_ENTRY, padded);
            Path file = Files.write(dir.resolve("model.zip"), zip(entries));
            long cap = 3 << 20;
            assertThat(Files.size(file)).isLessThan(cap);

            assertThatThrownBy(() -> ModelArchive.read(STORAGE, file.toString(), cap))
                    .isInstanceOf(InputUnusableException.class)
                    .hasMessage("file:" + file + "!/model.json: declares " + padded.length + " bytes, more than the " + cap
                            + " allowed (models.max-bytes)");
            assertThat(ModelArchive.read(STORAGE, file.toString(), 8 << 20).spec().classes().size()).isEqualTo(2);
            assertThatThrownBy(() -> ModelArchive.read(STORAGE, file.toString(), 1 << 20))
                    .isInstanceOf(InputUnusableException.class)
                    .hasMessage("file:" + file + " is " + Files.size(file) + " bytes, more than the " + (1 << 20)
                            + " allowed (models.max-bytes)");
        }
    }

    /** a 20-byte .pth whose pickle declares a 2,147,483,000-byte string (it once cost 2.64 GB), legacy or zip */
    @Test
    void aPickleStringLongerThanTheFileIsRefusedUnallocated() throws Exception {
        byte[] pickle = new Pickle().proto().op('X').int32(2_147_483_000).ascii("abc").raw();
        byte[] torchZip = zip(new LinkedHashMap<>(Map.of("archive/data.pkl", pickle)));
        for (byte[] file : List.of(pickle, torchZip)) {
            assertThatThrownBy(() -> Weights.loadMatching(TestModels.network(1, 0.25), file, "evil.pth", NO_CAP))
                    .isInstanceOf(InputUnusableException.class)
                    .hasMessageStartingWith("evil.pth")
                    .hasMessageContaining("declares 2147483000 bytes, more than the 3 left in the file");
        }
    }

    /** a pickle that names os.system: read as data, the call never made, and said so */
    @Test
    void aPickleNamingAFunctionIsRefusedNamingItWithoutCallingIt() throws Exception {
        byte[] pickle = new Pickle().proto().op('c').ascii("os\nsystem\n").string("touch /tmp/sparkdet-pwned")
                .op(0x85).op('R').stop().raw();
        byte[] torchZip = zip(new LinkedHashMap<>(Map.of("archive/data.pkl", pickle)));
        assertThatThrownBy(() -> Weights.loadMatching(TestModels.network(1, 0.25), torchZip, "evil.pth", NO_CAP))
                .isInstanceOf(InputUnusableException.class)
                .hasMessage("evil.pth holds a call to os.system (not made: sparkdet reads a pickle's data, never runs "
                        + "what it names), not a state dict");
    }

    /** a legacy storage declaring 2^40 elements of 4 bytes in a file of a few hundred */
    @Test
    void aStorageLargerThanTheFileIsRefused() {
        byte[] file = legacyFile(1, 1, 1L << 40);
        assertThatThrownBy(() -> Weights.loadMatching(TestModels.network(1, 0.25), file, "big.pth", NO_CAP))
                .isInstanceOf(InputUnusableException.class)
                .hasMessageStartingWith("big.pth: storage 0 declares 1099511627776 elements of 4 bytes");
    }

    /**
     * a tensor is a strided view of its storage: one that reaches past the storage would have
     * libtorch read memory that is not the file's; one whose stride 0 repeats one element would
     * copy out to more than the cap
     */
    @Test
    void aTensorOutsideItsStorageOrOverTheCapIsRefused() {
        try (PointerScope scope = new PointerScope()) {
            byte[] past = legacyFile(1000, 1, 1);
            assertThatThrownBy(() -> Weights.loadMatching(TestModels.network(1, 0.25), past, "past.pth", NO_CAP))
                    .isInstanceOf(InputUnusableException.class)
                    .hasMessage("past.pth: tensor w is unusable: its shape [1000] reaches element 999 of a storage of 1");
            byte[] repeated = legacyFile(1_000_000, 0, 1);
            assertThatThrownBy(() -> Weights.loadMatching(TestModels.network(1, 0.25), repeated, "zero.pth", 1 << 20))
                    .isInstanceOf(InputUnusableException.class)
                    .hasMessage("zero.pth: tensor w is unusable: its shape [1000000] holds more than the 1048576 "
                            + "bytes allowed (models.max-bytes)");
        }
    }

    /** half of a real .pth: one line naming the file, an input fault (exit 3), not an internal error */
    @Test
    void aTruncatedPthIsAnInputFault() {
        byte[] whole = Fixtures.bytes(Fixtures.WEIGHTS);
        byte[] legacy = Fixtures.bytes(Fixtures.LEGACY);
        for (byte[] half : List.of(Arrays.copyOf(whole, whole.length / 2), Arrays.copyOf(legacy, legacy.length / 2))) {
            assertThatThrownBy(() -> Weights.loadMatching(TestModels.network(Fixtures.CLASSES, Fixtures.WIDTH), half,
                    "half.pth", NO_CAP))
                    .isInstanceOf(InputUnusableException.class)
                    .hasMessageStartingWith("half.pth")
                    .hasMessageNotContaining("\n");
        }
    }

    /** train.pretrained that is no model (random bytes, a bare zip) is an input fault naming it, checked on the driver */
    @Test
    void aPretrainedFileThatIsNoModelIsAnInputFault(@TempDir Path dir) throws Exception {
        byte[] random = new byte[2048];
        new java.util.Random(5).nextBytes(random);
        Path noise = Files.write(dir.resolve("noise.pth"), random);
        Path notes = Files.write(dir.resolve("notes.zip"), zip(new LinkedHashMap<>(Map.of("a.txt", new byte[10]))));
        for (Path file : List.of(noise, notes)) {
            assertThatThrownBy(() -> Weights.loadPretrained(TestModels.network(1, 0.25), STORAGE, file.toString(), NO_CAP))
                    .isInstanceOf(InputUnusableException.class).hasMessageContaining(file.getFileName().toString())
                    .hasMessageNotContaining("\n");
        }
    }

    /** a small real model.zip's records, in order */
    private static Map<String, byte[]> modelEntries(Path dir) throws Exception {
        ModelSpec spec = TestModels.yolov4Tiny(new ClassList(List.of("a", "b")), 0.25, TestModels.defaultAnchors(), 64, 64);
        Path file = dir.resolve("real.zip");
        ModelArchive.write(STORAGE, file.toString(), spec, spec.newNetwork());
        ZipRecords real = ZipRecords.open(Files.readAllBytes(file), file.toString(), NO_CAP);
        Map<String, byte[]> entries = new LinkedHashMap<>();
        for (String name : real.names()) {
            entries.put(name, real.read(name));
        }
        return entries;
    }

    private static byte[] zip(Map<String, byte[]> entries) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey()));
                zip.write(e.getValue());
                zip.closeEntry();
            }
        }
        return bytes.toByteArray();
    }

    /** the zip with the uncompressed size its central directory gives for one entry replaced */
    private static byte[] declareSize(byte[] zip, String entry, long size) {
        byte[] out = zip.clone();
        ByteBuffer b = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
        byte[] name = entry.getBytes(StandardCharsets.UTF_8);
        for (int p = 0; p + 46 + name.length <= out.length; p++) {
            if (b.getInt(p) == 0x02014b50 && (b.getShort(p + 28) & 0xffff) == name.length
                    && Arrays.equals(Arrays.copyOfRange(out, p + 46, p + 46 + name.length), name)) {
                b.putInt(p + 24, (int) size);
                return out;
            }
        }
        throw new IllegalArgumentException("no directory entry " + entry);
    }

    /**
     * torch.save's legacy format with one float tensor "w" of {@code size} elements and stride
     * {@code stride} over a storage that declares {@code declared} elements and holds one
     */
    private static byte[] legacyFile(long size, long stride, long declared) {
        byte[] magic = new BigInteger("1950a86a20f9469cfc6c", 16).toByteArray();
        byte[] magicLittleEndian = new byte[magic.length];
        for (int i = 0; i < magic.length; i++) {
            magicLittleEndian[i] = magic[magic.length - 1 - i];
        }
        Pickle p = new Pickle()
                .proto().op(0x8a).op(magicLittleEndian.length).raw(magicLittleEndian).stop()
                .proto().op('M').op(0xe9).op(0x03).stop()
                .proto().op('}').stop()
                .proto().op('}').string("w")
                .op('c').ascii("torch._utils\n_rebuild_tensor_v2\n").op('(')
                .op('(').string("storage").op('c').ascii("torch\nFloatStorage\n").string("0").string("cpu")
                .int32Op((int) Math.min(declared, Integer.MAX_VALUE)).op('t').op('Q')
                .int32Op(0).op('(').int32Op((int) size).op('t').op('(').int32Op((int) stride).op('t').op(0x89).op(')')
                .op('t').op('R').op('s').stop()
                .proto().op(']').op('(').string("0").op('e').stop();
        ByteBuffer storage = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).putLong(declared).putFloat(1f);
        return p.raw(storage.array()).raw();
    }

    /** pickle opcodes written by hand */
    private static final class Pickle {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Pickle op(int opcode) {
            out.write(opcode);
            return this;
        }

        Pickle proto() {
            return op(0x80).op(2);
        }

        Pickle stop() {
            return op('.');
        }

        Pickle int32(int v) {
            return raw(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array());
        }

        Pickle int32Op(int v) {
            return op('J').int32(v);
        }

        Pickle ascii(String s) {
            return raw(s.getBytes(StandardCharsets.US_ASCII));
        }

        /** BINUNICODE */
        Pickle string(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            return op('X').int32(b.length).raw(b);
        }

        Pickle raw(byte[] b) {
            out.writeBytes(b);
            return this;
        }

        byte[] raw() {
            return out.toByteArray();
        }
    }
}
