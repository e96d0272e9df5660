package sparkdet.image;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * Width and height from the first bytes of a JPEG, PNG, GIF, BMP or WebP file, without decoding
 * the pixels: how ingest learns the size of an image whose annotation does not give it.
 */
public final class ImageHeader {
    /** how far into a JPEG the frame header is looked for (EXIF thumbnails come first) */
    private static final long JPEG_SCAN_LIMIT = 4L << 20;

    private ImageHeader() {
    }

    /** the size of an image */
    public record Size(int width, int height) {
    }

    /**
     * @throws IOException when the bytes are not one of the known formats or end too early
     */
    public static Size read(InputStream stream) throws IOException {
        DataInputStream in = new DataInputStream(stream);
        int b0 = in.readUnsignedByte();
        int b1 = in.readUnsignedByte();
        if (b0 == 0xFF && b1 == 0xD8) {
            return jpeg(in);
        }
        if (b0 == 0x89 && b1 == 'P') {
            byte[] rest = new byte[22];
            in.readFully(rest);
            if (rest[0] != 'N' || rest[1] != 'G' || rest[10] != 'I' || rest[11] != 'H') {
                throw new IOException("not a PNG header");
            }
            return checked(be32(rest, 14), be32(rest, 18));
        }
        if (b0 == 'G' && b1 == 'I') {
            byte[] rest = new byte[8];
            in.readFully(rest);
            return checked(le16(rest, 4), le16(rest, 6));
        }
        if (b0 == 'B' && b1 == 'M') {
            byte[] rest = new byte[24];
            in.readFully(rest);
            return checked(le32(rest, 16), Math.abs(le32(rest, 20)));
        }
        if (b0 == 'R' && b1 == 'I') {
            return webp(in);
        }
        throw new IOException("not a JPEG, PNG, GIF, BMP or WebP file");
    }

    private static Size jpeg(DataInputStream in) throws IOException {
        long pos = 2;
        while (pos < JPEG_SCAN_LIMIT) {
            int marker = in.readUnsignedByte();
            pos++;
            if (marker != 0xFF) {
                continue;
            }
            int type = in.readUnsignedByte();
            pos++;
            while (type == 0xFF) {
                type = in.readUnsignedByte();
                pos++;
            }
            if (type == 0xD8 || (type >= 0xD0 && type <= 0xD7) || type == 0x01) {
                continue;
            }
            if (type == 0xD9 || type == 0xDA) {
                break;
            }
            int len = in.readUnsignedShort();
            pos += 2;
            if (len < 2) {
                throw new IOException("corrupt JPEG segment length " + len);
            }
            boolean frame = type >= 0xC0 && type <= 0xCF && type != 0xC4 && type != 0xC8 && type != 0xCC;
            if (frame) {
                in.readUnsignedByte();
                int h = in.readUnsignedShort();
                int w = in.readUnsignedShort();
                return checked(w, h);
            }
            skipFully(in, len - 2);
            pos += len - 2;
        }
        throw new IOException("no JPEG frame header before the image data");
    }

    private static Size webp(DataInputStream in) throws IOException {
        byte[] head = new byte[28];
        in.readFully(head);
        if (head[0] != 'F' || head[6] != 'W' || head[7] != 'E' || head[8] != 'B' || head[9] != 'P') {
            throw new IOException("not a WebP header");
        }
        String chunk = new String(head, 10, 4, java.nio.charset.StandardCharsets.US_ASCII);
        switch (chunk) {
            case "VP8 ":
                return checked(le16(head, 24) & 0x3FFF, le16(head, 26) & 0x3FFF);
            case "VP8L": {
                int b = le32(head, 19);
                return checked((b & 0x3FFF) + 1, ((b >>> 14) & 0x3FFF) + 1);
            }
            case "VP8X":
                return checked(1 + le24(head, 22), 1 + le24(head, 25));
            default:
                throw new IOException("unknown WebP chunk " + chunk);
        }
    }

    private static Size checked(int w, int h) throws IOException {
        if (w <= 0 || h <= 0) {
            throw new IOException("image header gives a size of " + w + "x" + h);
        }
        return new Size(w, h);
    }

    private static void skipFully(DataInputStream in, int n) throws IOException {
        int left = n;
        while (left > 0) {
            int skipped = in.skipBytes(left);
            if (skipped <= 0) {
                throw new EOFException("JPEG ends inside a segment");
            }
            left -= skipped;
        }
    }

    private static int be32(byte[] b, int o) {
        return ((b[o] & 0xff) << 24) | ((b[o + 1] & 0xff) << 16) | ((b[o + 2] & 0xff) << 8) | (b[o + 3] & 0xff);
    }

    private static int le16(byte[] b, int o) {
        return (b[o] & 0xff) | ((b[o + 1] & 0xff) << 8);
    }

    private static int le24(byte[] b, int o) {
        return le16(b, o) | ((b[o + 2] & 0xff) << 16);
    }

    private static int le32(byte[] b, int o) {
        return le24(b, o) | ((b[o + 3] & 0xff) << 24);
    }
}
