package sparkdet.model;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * The records of a zip held in memory, found through its central directory. Not ZipInputStream:
 * PyTorch's writer streams stored records with data descriptors, which ZipInputStream refuses.
 */
final class ZipRecords {
    private static final int EOCD = 0x06054b50;
    private static final int ZIP64_LOCATOR = 0x07064b50;
    private static final int CENTRAL = 0x02014b50;
    private static final int LOCAL = 0x04034b50;
    private static final long MAX32 = 0xffffffffL;

    private ZipRecords() {
    }

    static Map<String, byte[]> read(byte[] zip) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN);
        int eocd = findEndOfCentralDirectory(b);
        long count = b.getShort(eocd + 10) & 0xffff;
        long at = b.getInt(eocd + 16) & MAX32;
        if ((count == 0xffff || at == MAX32) && eocd >= 20 && b.getInt(eocd - 20) == ZIP64_LOCATOR) {
            int zip64 = Math.toIntExact(b.getLong(eocd - 20 + 8));
            count = b.getLong(zip64 + 32);
            at = b.getLong(zip64 + 48);
        }
        Map<String, byte[]> out = new LinkedHashMap<>();
        int p = Math.toIntExact(at);
        for (long i = 0; i < count; i++) {
            if (b.getInt(p) != CENTRAL) {
                throw new IOException("zip central directory entry " + i + " is damaged");
            }
            int method = b.getShort(p + 10) & 0xffff;
            long compressed = b.getInt(p + 20) & MAX32;
            long size = b.getInt(p + 24) & MAX32;
            int nameLen = b.getShort(p + 28) & 0xffff;
            int extraLen = b.getShort(p + 30) & 0xffff;
            int commentLen = b.getShort(p + 32) & 0xffff;
            long local = b.getInt(p + 42) & MAX32;
            String name = new String(zip, p + 46, nameLen, StandardCharsets.UTF_8);
            // zip64: the 32-bit fields set to 0xffffffff are in extra field 0x0001, in this order
            for (int e = p + 46 + nameLen; e < p + 46 + nameLen + extraLen; e += 4 + (b.getShort(e + 2) & 0xffff)) {
                if (b.getShort(e) == 1) {
                    int q = e + 4;
                    if (size == MAX32) {
                        size = b.getLong(q);
                        q += 8;
                    }
                    if (compressed == MAX32) {
                        compressed = b.getLong(q);
                        q += 8;
                    }
                    if (local == MAX32) {
                        local = b.getLong(q);
                    }
                }
            }
            out.put(name, data(b, zip, Math.toIntExact(local), method, Math.toIntExact(compressed), Math.toIntExact(size), name));
            p += 46 + nameLen + extraLen + commentLen;
        }
        return out;
    }

    private static int findEndOfCentralDirectory(ByteBuffer b) throws IOException {
        for (int p = b.capacity() - 22; p >= Math.max(0, b.capacity() - 22 - 0xffff); p--) {
            if (b.getInt(p) == EOCD) {
                return p;
            }
        }
        throw new IOException("not a zip (no end of central directory)");
    }

    private static byte[] data(ByteBuffer b, byte[] zip, int local, int method, int compressed, int size, String name)
            throws IOException {
        if (b.getInt(local) != LOCAL) {
            throw new IOException("zip record " + name + " has no local header");
        }
        int start = local + 30 + (b.getShort(local + 26) & 0xffff) + (b.getShort(local + 28) & 0xffff);
        if (method == 0) {
            return Arrays.copyOfRange(zip, start, start + size);
        }
        if (method != 8) {
            throw new IOException("zip record " + name + " uses compression method " + method);
        }
        Inflater inflater = new Inflater(true);
        try {
            inflater.setInput(zip, start, compressed);
            byte[] out = new byte[size];
            if (inflater.inflate(out) != size) {
                throw new IOException("zip record " + name + " is truncated");
            }
            return out;
        } catch (DataFormatException e) {
            throw new IOException("zip record " + name + " is damaged: " + e.getMessage(), e);
        } finally {
            inflater.end();
        }
    }
}
