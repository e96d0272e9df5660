package sparkdet.predict;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import sparkdet.data.ImageIds;

/**
 * The ids and output names of a listed folder's pictures, decided on the driver over the whole
 * listing, so that the same files always get the same names however the work is partitioned.
 * Each is the shortest form that no other picture of the listing ends up with:
 *
 * <ul>
 *   <li>output name ({@code txt/<name>.txt}, {@code images/<name>.jpg}): the file's stem
 *       ({@code dog}), else its path under the input without the extension ({@code a/dog}), else
 *       its whole path ({@code dog.jpg}, {@code dog.png}); {@link #escape escaped} into one file name;
 *   <li>image id: the path without the extension, else the whole path;
 *   <li>COCO id: the stem's number or hash ({@link ImageIds#numericId}), else the path's without
 *       the extension, else a hash of the whole path.
 * </ul>
 */
final class OutputNames {
    /** a name's UTF-8 bytes kept before a hash stands for the rest (file systems allow 255) */
    static final int MAX_NAME_BYTES = 200;
    private static final String HEX = "0123456789ABCDEF";

    private OutputNames() {
    }

    /** one listed picture's names */
    record Named(String imageId, long cocoImageId, String outputName) {
    }

    /** @param relativePaths the pictures' paths under the input folder, '/'-separated, all different */
    static List<Named> of(List<String> relativePaths) {
        List<String> ids = distinct(relativePaths, List.of(OutputNames::withoutExtension, p -> p));
        List<Long> coco = distinct(relativePaths, List.of(p -> ImageIds.numericId(ImageIds.stem(p)),
                p -> ImageIds.numericId(withoutExtension(p)), ImageIds::hashId));
        List<String> names = distinct(relativePaths, List.of(OutputNames::stemName, OutputNames::pathName,
                OutputNames::escape));
        List<Named> out = new ArrayList<>(relativePaths.size());
        for (int i = 0; i < relativePaths.size(); i++) {
            out.add(new Named(ids.get(i), coco.get(i), names.get(i)));
        }
        return out;
    }

    /**
     * per item, its first form that no other item ends up with: an item whose form is shared moves
     * to its next one, until nothing is shared. The last forms must differ between items (every
     * item ends there at worst); moving only ever goes forward, so this ends.
     */
    private static <T> List<T> distinct(List<String> items, List<Function<String, T>> forms) {
        int[] level = new int[items.size()];
        while (true) {
            Map<T, Integer> uses = new HashMap<>();
            List<T> current = new ArrayList<>(items.size());
            for (int i = 0; i < items.size(); i++) {
                T form = forms.get(level[i]).apply(items.get(i));
                current.add(form);
                uses.merge(form, 1, Integer::sum);
            }
            boolean moved = false;
            for (int i = 0; i < items.size(); i++) {
                if (uses.get(current.get(i)) > 1 && level[i] < forms.size() - 1) {
                    level[i]++;
                    moved = true;
                }
            }
            if (!moved) {
                return current;
            }
        }
    }

    /** the first output name: the file's stem, escaped */
    static String stemName(String fileName) {
        return escape(ImageIds.stem(fileName));
    }

    /** the second output name: the path without the extension, escaped */
    static String pathName(String fileName) {
        return escape(withoutExtension(fileName));
    }

    /**
     * A dataset row's output name, decided without the whole listing: the stem, unless other rows
     * share it ({@code sharedStems}, gathered by Spark: few), then the file name without the
     * extension, unless that is shared too, then the image id (unique in a dataset).
     */
    static String forDatasetRow(String fileName, String imageId, java.util.Set<String> sharedStems,
                                java.util.Set<String> sharedPaths) {
        String stem = stemName(fileName);
        if (!sharedStems.contains(stem)) {
            return stem;
        }
        String path = pathName(fileName);
        return sharedPaths.contains(path) ? escape(imageId) : path;
    }

    private static String withoutExtension(String path) {
        int dot = path.lastIndexOf('.');
        return dot <= path.lastIndexOf('/') + 1 ? path : path.substring(0, dot);
    }

    /**
     * A name as one file name that is safe on any file system and in a Hadoop path, reversibly:
     * '%', '/', '\', ':', control characters and the characters Windows or Hadoop's globs refuse
     * ({@code * ? " < > | [ ] { }}) become {@code %XX} per UTF-8 byte, as a leading '.' or '_'
     * does (Hadoop hides such files); a name longer than {@value #MAX_NAME_BYTES} bytes keeps its
     * start and ends with '~' and a hash of the whole name.
     */
    static String escape(String name) {
        StringBuilder out = new StringBuilder(name.length());
        name.codePoints().forEach(c -> {
            boolean hiding = out.length() == 0 && (c == '.' || c == '_');
            if (hiding || c < 0x20 || c == 0x7F || "%/\\:*?\"<>|[]{}".indexOf(c) >= 0) {
                for (byte b : new String(Character.toChars(c)).getBytes(StandardCharsets.UTF_8)) {
                    out.append('%').append(HEX.charAt((b >> 4) & 0xF)).append(HEX.charAt(b & 0xF));
                }
            } else {
                out.appendCodePoint(c);
            }
        });
        if (out.length() == 0) {
            return "%";   // an empty stem: '%' alone is no escape, so it stands for nothing
        }
        String escaped = out.toString();
        if (escaped.getBytes(StandardCharsets.UTF_8).length <= MAX_NAME_BYTES) {
            return escaped;
        }
        String suffix = "~" + Long.toHexString(ImageIds.hashId(name));
        ByteArrayOutputStream kept = new ByteArrayOutputStream();
        escaped.codePoints().takeWhile(c -> kept.size() + utf8Length(c) + suffix.length() <= MAX_NAME_BYTES)
                .forEach(c -> kept.writeBytes(new String(Character.toChars(c)).getBytes(StandardCharsets.UTF_8)));
        return kept.toString(StandardCharsets.UTF_8) + suffix;
    }

    private static int utf8Length(int codePoint) {
        return new String(Character.toChars(codePoint)).getBytes(StandardCharsets.UTF_8).length;
    }
}
