package sparkdet.model;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import sparkdet.io.InputUnusableException;

/**
 * The records of a zip held in memory, found through its central directory. Not ZipInputStream:
 * PyTorch's writer streams stored records with data descriptors, which ZipInputStream refuses.
 * A model file may come from anyone, so nothing it declares is trusted: the directory is checked
 * to lie inside the file when opened, and a record is inflated only when asked for, after its
 * declared sizes are checked against the file's real size and the caller's cap, into no more
 * than the bytes it declares.
 */
final class ZipRecords {
    private static final int EOCD = 0x06054b50;
    private static final int ZIP64_LOCATOR = 0x07064b50;
    private static final int CENTRAL = 0x02014b50;
    private static final int LOCAL = 0x04034b50;
    private static final int CENTRAL_HEADER = 46;
    private static final int LOCAL_HEADER = 30;
    private static final long MAX32 = 0xffffffffL;
    /** deflate's best case: 258 bytes from a 2-bit code, about 1032 to 1; a record declaring more lies */
    private static final long MAX_DEFLATE_RATIO = 1032;
    private static final int INFLATE_CHUNK = 64 << 10;

    private record Record(int method, long compressed, long size, long local) {
    }

    private final byte[] zip;
    private final ByteBuffer b;
    private final String source;
    private final long maxEntryBytes;
    private final Map<String, Record> records = new LinkedHashMap<>();

    private ZipRecords(byte[] zip, String source, long maxEntryBytes) {
        this.zip = zip;
        this.b = ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN);
        this.source = source;
        this.maxEntryBytes = maxEntryBytes;
    }

    /**
     * the zip's directory, checked; nothing inflated yet
     *
     * @param source the file's name for messages
     * @param maxEntryBytes the most bytes one record may inflate to
     */
    static ZipRecords open(byte[] zip, String source, long maxEntryBytes) {
        ZipRecords z = new ZipRecords(zip, source, maxEntryBytes);
        z.readDirectory();
        return z;
    }

    /** whether the bytes begin as a zip does (a local file header) */
    static boolean startsAsZip(byte[] bytes) {
        return bytes.length >= 4 && bytes[0] == 'P' && bytes[1] == 'K' && bytes[2] == 3 && bytes[3] == 4;
    }

    Set<String> names() {
        return records.keySet();
    }

    boolean contains(String name) {
        return records.containsKey(name);
    }

    /** a record's bytes, inflated now (the others never are); null when the zip has no such record */
    byte[] read(String name) {
        Record r = records.get(name);
        return r == null ? null : data(name, checked(name, r));
    }

    private void readDirectory() {
        int eocd = findEndOfCentralDirectory();
        if (eocd < 0) {
            throw unusable("not a zip (no end of central directory)");
        }
        long count = b.getShort(eocd + 10) & 0xffff;
        long at = b.getInt(eocd + 16) & MAX32;
        if ((count == 0xffff || at == MAX32) && eocd >= 20 && b.getInt(eocd - 20) == ZIP64_LOCATOR) {
            long zip64 = within(b.getLong(eocd - 20 + 8), 56, "the zip64 directory record");
            count = b.getLong((int) zip64 + 32);
            at = b.getLong((int) zip64 + 48);
        }
        // each directory entry takes at least 46 bytes of the file: a larger count lies
        if (count < 0 || count > zip.length / CENTRAL_HEADER) {
            throw unusable("the zip directory declares " + count + " entries, more than its " + zip.length
                    + " bytes can hold");
        }
        int p = (int) within(at, 0, "the zip directory");
        for (long i = 0; i < count; i++) {
            within(p, CENTRAL_HEADER, "zip directory entry " + i);
            if (b.getInt(p) != CENTRAL) {
                throw unusable("zip directory entry " + i + " is damaged");
            }
            int method = b.getShort(p + 10) & 0xffff;
            long compressed = b.getInt(p + 20) & MAX32;
            long size = b.getInt(p + 24) & MAX32;
            int nameLen = b.getShort(p + 28) & 0xffff;
            int extraLen = b.getShort(p + 30) & 0xffff;
            int commentLen = b.getShort(p + 32) & 0xffff;
            long local = b.getInt(p + 42) & MAX32;
            within(p, CENTRAL_HEADER + nameLen + extraLen + commentLen, "zip directory entry " + i);
            String name = new String(zip, p + CENTRAL_HEADER, nameLen, StandardCharsets.UTF_8);
            // zip64: the 32-bit fields set to 0xffffffff are in extra field 0x0001, in this order
            int extraEnd = p + CENTRAL_HEADER + nameLen + extraLen;
            for (int e = p + CENTRAL_HEADER + nameLen; e + 4 <= extraEnd; e += 4 + (b.getShort(e + 2) & 0xffff)) {
                if (b.getShort(e) == 1) {
                    int q = e + 4;
                    if (size == MAX32) {
                        size = b.getLong(within(q, 8, name + "'s zip64 sizes"));
                        q += 8;
                    }
                    if (compressed == MAX32) {
                        compressed = b.getLong(within(q, 8, name + "'s zip64 sizes"));
                        q += 8;
                    }
                    if (local == MAX32) {
                        local = b.getLong(within(q, 8, name + "'s zip64 sizes"));
                    }
                }
            }
            records.put(name, new Record(method, compressed, size, local));
            p += CENTRAL_HEADER + nameLen + extraLen + commentLen;
        }
    }

    /** a record whose declared sizes the file can back and the cap allows: refused before anything is inflated */
    private Record checked(String name, Record r) {
        if (r.local() < 0 || r.compressed() < 0 || r.compressed() > zip.length - r.local()) {
            throw unusable(name, "the zip directory declares " + r.compressed() + " bytes at byte " + r.local()
                    + ", past the end of the " + zip.length + "-byte file");
        }
        if (r.method() != 0 && r.method() != 8) {
            throw unusable(name, "uses compression method " + r.method() + " (stored or deflated expected)");
        }
        long backed = r.method() == 0 ? r.compressed() : r.compressed() * MAX_DEFLATE_RATIO;
        if (r.size() < 0 || r.size() > backed) {
            throw unusable(name, "declares " + Long.toUnsignedString(r.size()) + " bytes, more than its "
                    + r.compressed() + " stored bytes can hold");
        }
        if (r.size() > maxEntryBytes) {
            throw unusable(name, "declares " + r.size() + " bytes, more than the " + maxEntryBytes
                    + " allowed (models.max-bytes)");
        }
        return r;
    }

    private int findEndOfCentralDirectory() {
        for (int p = zip.length - 22; p >= Math.max(0, zip.length - 22 - 0xffff); p--) {
            if (b.getInt(p) == EOCD) {
                return p;
            }
        }
        return -1;
    }

    private byte[] data(String name, Record r) {
        int local = (int) r.local();
        within(local, LOCAL_HEADER, name + "'s local header");
        if (b.getInt(local) != LOCAL) {
            throw unusable(name, "has no local header");
        }
        long start = (long) local + LOCAL_HEADER + (b.getShort(local + 26) & 0xffff) + (b.getShort(local + 28) & 0xffff);
        within(start, r.compressed(), name + "'s data");
        if (r.method() == 0) {
            return Arrays.copyOfRange(zip, (int) start, (int) (start + r.size()));
        }
        // grown as it inflates, never past the declared size: a record that lies costs only what it holds
        Inflater inflater = new Inflater(true);
        try {
            inflater.setInput(zip, (int) start, (int) r.compressed());
            ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(r.size(), INFLATE_CHUNK));
            byte[] chunk = new byte[INFLATE_CHUNK];
            while (!inflater.finished()) {
                int n = inflater.inflate(chunk, 0, (int) Math.min(chunk.length, r.size() - out.size() + 1));
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    throw unusable(name, "is truncated: " + out.size() + " of its declared " + r.size() + " bytes");
                }
                out.write(chunk, 0, n);
                if (out.size() > r.size()) {
                    throw unusable(name, "inflates to more than the " + r.size() + " bytes the zip directory declares");
                }
            }
            if (out.size() != r.size()) {
                throw unusable(name, "inflates to " + out.size() + " bytes, not the " + r.size() + " declared");
            }
            return out.toByteArray();
        } catch (DataFormatException e) {
            throw unusable(name, "is damaged: " + e.getMessage());
        } finally {
            inflater.end();
        }
    }

    /** a position whose next {@code length} bytes lie in the file, as an int */
    private int within(long position, long length, String what) {
        if (position < 0 || length < 0 || position > zip.length - length) {
            throw unusable(what + " lies outside the " + zip.length + "-byte file");
        }
        return (int) position;
    }

    private InputUnusableException unusable(String problem) {
        return new InputUnusableException(source + ": " + problem);
    }

    private InputUnusableException unusable(String entry, String problem) {
        return new InputUnusableException(source + "!/" + entry + ": " + problem);
    }
}
