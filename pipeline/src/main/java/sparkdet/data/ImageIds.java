package sparkdet.data;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Integer image ids for COCO results JSON. Stems made of digits and underscores keep their number
 * (000123 -> 123, 2011_000003 -> 2011000003), the convention of the VOC-to-COCO converters, so a
 * VOC copy of a COCO set keeps its ids; any other id gets a stable 53-bit hash (exact in JSON
 * readers that use doubles).
 */
public final class ImageIds {
    private static final long MAX_SAFE = (1L << 53) - 1;

    private ImageIds() {
    }

    public static long numericId(String imageId) {
        String digits = imageId.replace("_", "");
        if (!digits.isEmpty() && digits.length() <= 15 && digits.chars().allMatch(Character::isDigit)) {
            return Long.parseLong(digits);
        }
        return hashId(imageId);
    }

    /** a stable 53-bit hash of an id, whatever it looks like (numericId without the number convention) */
    public static long hashId(String imageId) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(imageId.getBytes(StandardCharsets.UTF_8));
            long v = 0;
            for (int i = 0; i < 8; i++) {
                v = (v << 8) | (h[i] & 0xff);
            }
            return v & MAX_SAFE;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JVM", e);
        }
    }

    /** the file name without folders and without its last extension */
    public static String stem(String fileName) {
        String base = fileName.replace('\\', '/');
        base = base.substring(base.lastIndexOf('/') + 1);
        int dot = base.lastIndexOf('.');
        return dot > 0 ? base.substring(0, dot) : base;
    }
}
