package sparkdet.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.fs.Path;
import sparkdet.data.BoxObject;
import sparkdet.data.ClassList;
import sparkdet.data.ImageRecord;
import sparkdet.data.QuarantineReason;
import sparkdet.data.Quarantined;

/**
 * A COCO instances JSON read as a token stream: no tree of the document is ever built, and only
 * one share of the images (by id) and their annotations is kept, so that N tasks each reading
 * the file hold 1/N of it. Sections may come in any order.
 */
public final class CocoParser {
    /**
     * a parsed share: image rows in file order with labels named by category (problems of the
     * share as rejected items), and the categories as classes in id order
     */
    public record Result(List<IngestItem> items, ClassList categoryClasses, long[] categoryIds, long annotations) {
    }

    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(Integer.MAX_VALUE).build())
            .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
            .build();

    private record RawImage(long id, String fileName, int width, int height, int index) {
    }

    private final Map<Long, RawImage> images = new LinkedHashMap<>();
    private final Map<Long, List<BoxObject>> objectsByImage = new HashMap<>();
    private final List<long[]> orphanRefs = new ArrayList<>();
    private final LinkedHashMap<Long, String> categories = new LinkedHashMap<>();
    private final List<Quarantined> quarantined = new ArrayList<>();
    private final StringBuilder segmentationText = new StringBuilder(256);
    private long annotationCount;
    private String source;
    private final int share;
    private final int shares;

    /** keeps the images whose id falls in share {@code share} of {@code shares} (0 of 1: all) */
    public CocoParser(int share, int shares) {
        this.share = share;
        this.shares = shares;
    }

    /** whether an image id belongs to this parser's share */
    private boolean mine(long imageId) {
        return Math.floorMod(Long.hashCode(imageId) * 0x9E3779B1, shares) == share;
    }

    /** problems not tied to an image id are reported by share 0 only */
    private boolean reportsUnowned() {
        return share == 0;
    }

    /**
     * @param imageRoot what {@code file_name} is relative to
     * @throws IOException when the file is not JSON or not a COCO object; record-level problems
     *     are quarantined instead
     */
    public Result parse(InputStream in, String source, Path imageRoot, String split) throws IOException {
        this.source = source;
        try (JsonParser p = JSON.createParser(in)) {
            expect(p.nextToken() == JsonToken.START_OBJECT, p, "the file is not a JSON object");
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String section = p.currentName();
                JsonToken t = p.nextToken();
                if (t == JsonToken.START_ARRAY && section.equals("images")) {
                    readArray(p, this::readImage);
                } else if (t == JsonToken.START_ARRAY && section.equals("annotations")) {
                    readArray(p, this::readAnnotation);
                } else if (t == JsonToken.START_ARRAY && section.equals("categories")) {
                    readArray(p, this::readCategory);
                } else {
                    p.skipChildren();
                }
            }
        }
        return assemble(imageRoot, split);
    }

    private interface ElementReader {
        void read(JsonParser p, int index) throws IOException;
    }

    private static void readArray(JsonParser p, ElementReader reader) throws IOException {
        int index = 0;
        while (p.nextToken() != JsonToken.END_ARRAY) {
            expect(p.currentToken() == JsonToken.START_OBJECT, p, "an array element is not an object");
            reader.read(p, index++);
        }
    }

    private static void expect(boolean ok, JsonParser p, String what) throws IOException {
        if (!ok) {
            throw new IOException(what + " (line " + p.currentLocation().getLineNr() + ", column "
                    + p.currentLocation().getColumnNr() + ")");
        }
    }

    private void readImage(JsonParser p, int index) throws IOException {
        long id = Long.MIN_VALUE;
        String fileName = null;
        int width = 0;
        int height = 0;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            JsonToken t = p.nextToken();
            switch (key) {
                case "id" -> id = t.isNumeric() ? p.getLongValue() : Long.MIN_VALUE;
                case "file_name" -> fileName = t == JsonToken.VALUE_STRING ? p.getText() : null;
                case "width" -> width = t.isNumeric() ? (int) p.getDoubleValue() : 0;
                case "height" -> height = t.isNumeric() ? (int) p.getDoubleValue() : 0;
                default -> p.skipChildren();
            }
        }
        String where = source + "#images[" + index + "]";
        if (id != Long.MIN_VALUE && !mine(id)) {
            return;
        }
        if (id == Long.MIN_VALUE || fileName == null || fileName.isBlank()) {
            if (!reportsUnowned()) {
                return;
            }
            quarantined.add(new Quarantined(where, QuarantineReason.MALFORMED_ANNOTATION,
                    "an image needs a numeric id and a file_name"));
        } else if (images.containsKey(id)) {
            quarantined.add(new Quarantined(where, QuarantineReason.DUPLICATE_IMAGE_ID,
                    "image id " + id + " (" + fileName + ") was already given to "
                            + images.get(id).fileName + "; the first one is kept"));
        } else {
            images.put(id, new RawImage(id, fileName, Math.max(width, 0), Math.max(height, 0), index));
        }
    }

    private void readCategory(JsonParser p, int index) throws IOException {
        long id = Long.MIN_VALUE;
        String name = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            JsonToken t = p.nextToken();
            switch (key) {
                case "id" -> id = t.isNumeric() ? p.getLongValue() : Long.MIN_VALUE;
                case "name" -> name = t == JsonToken.VALUE_STRING ? p.getText().strip() : null;
                default -> p.skipChildren();
            }
        }
        if (id == Long.MIN_VALUE || name == null || name.isEmpty()) {
            throw new IOException("categories[" + index + "] needs a numeric id and a name");
        }
        if (categories.put(id, name) != null) {
            throw new IOException("categories[" + index + "]: category id " + id + " appears twice");
        }
    }

    private void readAnnotation(JsonParser p, int index) throws IOException {
        annotationCount++;
        long imageId = Long.MIN_VALUE;
        long categoryId = Long.MIN_VALUE;
        double[] bbox = null;
        double area = Double.NaN;
        boolean crowd = false;
        String segmentation = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            JsonToken t = p.nextToken();
            switch (key) {
                case "image_id" -> {
                    imageId = t.isNumeric() ? p.getLongValue() : Long.MIN_VALUE;
                    if (imageId != Long.MIN_VALUE && !mine(imageId)) {
                        skipRestOfObject(p);
                        return;
                    }
                }
                case "category_id" -> categoryId = t.isNumeric() ? p.getLongValue() : Long.MIN_VALUE;
                case "bbox" -> bbox = readBox(p);
                case "area" -> area = t.isNumeric() ? p.getDoubleValue() : Double.NaN;
                case "iscrowd" -> crowd = t.isNumeric() ? p.getIntValue() != 0 : t == JsonToken.VALUE_TRUE;
                case "segmentation" -> segmentation = copyJson(p);
                default -> p.skipChildren();
            }
        }
        if (imageId == Long.MIN_VALUE || categoryId == Long.MIN_VALUE || bbox == null) {
            if (imageId == Long.MIN_VALUE && !reportsUnowned()) {
                return;
            }
            quarantined.add(new Quarantined(source + "#annotations[" + index + "]",
                    QuarantineReason.MALFORMED_ANNOTATION,
                    "an annotation needs image_id, category_id and a bbox of 4 numbers"));
            return;
        }
        double x = bbox[0];
        double y = bbox[1];
        double w = bbox[2];
        double h = bbox[3];
        BoxObject o = new BoxObject(-1, null, categoryId, x, y, x + w, y + h, false, false, crowd,
                Double.isNaN(area) ? w * h : area, segmentation);
        List<BoxObject> list = objectsByImage.get(imageId);
        if (list == null) {
            list = new ArrayList<>(8);
            objectsByImage.put(imageId, list);
        }
        list.add(o);
        if (!images.containsKey(imageId)) {
            orphanRefs.add(new long[] {imageId, index});
        }
    }

    /** another share's annotation: its remaining fields are tokenized, not decoded */
    private static void skipRestOfObject(JsonParser p) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            p.nextToken();
            p.skipChildren();
        }
    }

    /** a COCO bbox: the current array of exactly 4 numbers, else null (the parser is past it either way) */
    public static double[] readBox(JsonParser p) throws IOException {
        if (p.currentToken() != JsonToken.START_ARRAY) {
            p.skipChildren();
            return null;
        }
        double[] box = new double[4];
        int n = 0;
        while (p.nextToken() != JsonToken.END_ARRAY) {
            if (!p.currentToken().isNumeric()) {
                p.skipChildren();
                n = 5;
                continue;
            }
            if (n < 4) {
                box[n] = p.getDoubleValue();
            }
            n++;
        }
        return n == 4 ? box : null;
    }

    /** the current value (array, object or scalar) as compact JSON text */
    private String copyJson(JsonParser p) throws IOException {
        if (p.currentToken() == JsonToken.VALUE_NULL) {
            return null;
        }
        StringBuilder sb = segmentationText;
        sb.setLength(0);
        int depth = 0;
        JsonToken t = p.currentToken();
        boolean first = true;
        while (true) {
            switch (t) {
                case START_ARRAY, START_OBJECT -> {
                    comma(sb, first);
                    sb.append(t == JsonToken.START_ARRAY ? '[' : '{');
                    depth++;
                    first = true;
                }
                case END_ARRAY, END_OBJECT -> {
                    sb.append(t == JsonToken.END_ARRAY ? ']' : '}');
                    depth--;
                    first = false;
                }
                case FIELD_NAME -> {
                    comma(sb, first);
                    quote(sb, p.getText());
                    sb.append(':');
                    first = true;
                }
                case VALUE_STRING -> {
                    comma(sb, first);
                    quote(sb, p.getText());
                    first = false;
                }
                default -> {
                    comma(sb, first);
                    sb.append(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
                    first = false;
                }
            }
            if (depth == 0) {
                return sb.toString();
            }
            t = p.nextToken();
        }
    }

    /** a comma before every element but the first of its array or object (none after a key) */
    private static void comma(StringBuilder sb, boolean first) {
        if (!first) {
            sb.append(',');
        }
    }

    private static void quote(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        sb.append('"');
    }

    private Result assemble(Path imageRoot, String split) throws IOException {
        long[] categoryIds = categories.keySet().stream().mapToLong(Long::longValue).sorted().toArray();
        ClassList classes = categoryClasses(categoryIds);
        List<IngestItem> items = new ArrayList<>(images.size() + quarantined.size());
        for (Quarantined q : quarantined) {
            items.add(IngestItem.rejected(q));
        }
        for (long[] ref : orphanRefs) {
            if (!images.containsKey(ref[0])) {
                items.add(IngestItem.rejected(new Quarantined(source + "#annotations[" + ref[1] + "]",
                        QuarantineReason.MISSING_IMAGE_ID, "image_id " + ref[0] + " is not among the images")));
            }
        }
        for (RawImage img : images.values()) {
            String where = source + "#images[" + img.index + "]";
            Optional<Path> path = ImagePaths.under(imageRoot, img.fileName);
            List<BoxObject> raw = objectsByImage.remove(img.id);
            if (raw == null) {
                raw = List.of();
            }
            if (path.isEmpty()) {
                items.add(IngestItem.rejected(new Quarantined(where, QuarantineReason.PATH_OUTSIDE_ROOT,
                        "file_name '" + img.fileName + "' leaves the image folder " + imageRoot)));
                continue;
            }
            List<BoxObject> objects = new ArrayList<>(raw.size());
            List<Quarantined> problems = new ArrayList<>();
            for (BoxObject o : raw) {
                String name = categories.get(o.categoryId);
                if (name == null) {
                    problems.add(new Quarantined(where, QuarantineReason.UNKNOWN_CATEGORY,
                            "category_id " + o.categoryId + " is not among the categories"));
                } else {
                    // the index in category-id order: the validator keeps the object as it is
                    // when that is the dataset's class order (no --classes), saving a copy
                    objects.add(o.withClass(classes.indexOf(name), name));
                }
            }
            items.add(new IngestItem(new ImageRecord(Long.toString(img.id), img.id, path.get().toString(),
                    img.fileName, img.width, img.height, split, where, objects), problems));
        }
        return new Result(items, classes, categoryIds, annotationCount);
    }

    /** the categories' names as classes, in the order of the sorted ids */
    private ClassList categoryClasses(long[] sortedIds) throws IOException {
        List<String> names = new ArrayList<>(sortedIds.length);
        for (long id : sortedIds) {
            names.add(categories.get(id));
        }
        try {
            return new ClassList(names);
        } catch (IllegalArgumentException e) {
            throw new IOException("the categories cannot be classes: " + e.getMessage());
        }
    }
}
