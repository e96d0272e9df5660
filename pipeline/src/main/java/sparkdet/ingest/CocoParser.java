package sparkdet.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.fs.Path;
import sparkdet.data.BoxObject;
import sparkdet.data.ImageRecord;
import sparkdet.data.QuarantineReason;
import sparkdet.data.Quarantined;

/**
 * A COCO instances JSON read as a token stream: no tree of the document is ever built, so a
 * train2017-sized file needs memory for its rows only. Sections may come in any order.
 */
public final class CocoParser {
    /** a parsed file: image rows in file order (labels resolved by category), categories, problems */
    public record Result(List<IngestItem> items, LinkedHashMap<Long, String> categories,
                         List<Quarantined> quarantined, long annotations) {
    }

    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(Integer.MAX_VALUE).build())
            .build();

    private record RawImage(long id, String fileName, int width, int height, int index) {
    }

    private final Map<Long, RawImage> images = new LinkedHashMap<>();
    private final Map<Long, List<BoxObject>> objectsByImage = new HashMap<>();
    private final List<long[]> orphanRefs = new ArrayList<>();
    private final LinkedHashMap<Long, String> categories = new LinkedHashMap<>();
    private final List<Quarantined> quarantined = new ArrayList<>();
    private final StringWriter segmentationText = new StringWriter();
    private long annotationCount;
    private String source;

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
        if (id == Long.MIN_VALUE || fileName == null || fileName.isBlank()) {
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
                case "image_id" -> imageId = t.isNumeric() ? p.getLongValue() : Long.MIN_VALUE;
                case "category_id" -> categoryId = t.isNumeric() ? p.getLongValue() : Long.MIN_VALUE;
                case "bbox" -> bbox = readBox(p);
                case "area" -> area = t.isNumeric() ? p.getDoubleValue() : Double.NaN;
                case "iscrowd" -> crowd = t.isNumeric() ? p.getIntValue() != 0 : t == JsonToken.VALUE_TRUE;
                case "segmentation" -> segmentation = copyJson(p);
                default -> p.skipChildren();
            }
        }
        if (imageId == Long.MIN_VALUE || categoryId == Long.MIN_VALUE || bbox == null) {
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
        if (images.isEmpty() || !images.containsKey(imageId)) {
            orphanRefs.add(new long[] {imageId, index});
        }
    }

    private static double[] readBox(JsonParser p) throws IOException {
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

    private String copyJson(JsonParser p) throws IOException {
        if (p.currentToken() == JsonToken.VALUE_NULL) {
            return null;
        }
        segmentationText.getBuffer().setLength(0);
        try (JsonGenerator g = JSON.createGenerator(segmentationText)) {
            g.copyCurrentStructure(p);
        }
        return segmentationText.toString();
    }

    private Result assemble(Path imageRoot, String split) {
        for (long[] ref : orphanRefs) {
            if (!images.containsKey(ref[0]) && objectsByImage.containsKey(ref[0])) {
                quarantined.add(new Quarantined(source + "#annotations[" + ref[1] + "]",
                        QuarantineReason.MISSING_IMAGE_ID, "image_id " + ref[0] + " is not among the images"));
            }
        }
        List<IngestItem> items = new ArrayList<>(images.size());
        for (RawImage img : images.values()) {
            String where = source + "#images[" + img.index + "]";
            Optional<Path> path = ImagePaths.under(imageRoot, img.fileName);
            List<BoxObject> raw = objectsByImage.getOrDefault(img.id, List.of());
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
                    objects.add(o.withClass(-1, name));
                }
            }
            items.add(new IngestItem(new ImageRecord(Long.toString(img.id), img.id, path.get().toString(),
                    img.fileName, img.width, img.height, split, where, objects), problems));
        }
        return new Result(items, categories, quarantined, annotationCount);
    }
}
