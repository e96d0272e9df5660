package sparkdet.eval;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntPredicate;
import java.util.stream.LongStream;
import sparkdet.data.ImageIds;
import sparkdet.ingest.CocoParser;

/**
 * A COCO results JSON ({@code [{image_id, category_id, bbox: [x, y, w, h], score}, ...]}) read as a
 * stream into a {@link BoxTable}, checked the way pycocotools' loadRes checks it and more: a
 * detection for an image the ground truth does not have is an error (pycocotools refuses the
 * file), a NaN or infinite score or box is an error, a category the ground truth does not have
 * is counted and left out (pycocotools never evaluates it). Detections that also name their
 * {@code file_name} and {@code category_name} (predict writes both) are matched by those when
 * their ids are not the ground truth's: by the file's name, else its stem, and by the class name first, so that
 * a model's class order never has to agree with the ground truth's category ids.
 */
public final class CocoResultsReader {
    /** NaN and Infinity are read (Python's json writes them) so that they get a clear error below */
    private static final JsonFactory JSON = JsonFactory.builder().enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();
    private static final int NAMED = 5;

    /**
     * what was read: the detections, each one's position in the file, and the number left out for
     * an unknown category
     */
    public record Result(BoxTable detections, long[] sequence, long unknownCategory) {
    }

    private CocoResultsReader() {
    }

    /** how detections find their ground-truth image and class: by COCO ids, and by file stem and class name */
    public record Keys(Map<Long, Integer> imageByCocoId, Map<Long, Integer> classByCategoryId,
                       Map<String, Integer> imageByStem, Map<String, Integer> imageByFileName,
                       Map<String, Integer> classByName) implements Serializable {
        /** the ground truth's keys (its own maps, HashMaps: they serialize to the tasks as they are) */
        public static Keys of(EvalData gt) {
            Map<String, Integer> byName = new HashMap<>();
            List<String> names = gt.classes().names();
            for (int c = 0; c < names.size(); c++) {
                byName.put(names.get(c), c);
            }
            return new Keys(gt.imageByCocoId(), gt.classByCategoryId(), gt.imageByStem(), gt.imageByFileName(), byName);
        }
    }

    /**
     * @param imageIndex the ground truth's image id -> index
     * @param categoryIndex the ground truth's category id -> index
     * @throws IOException naming the file and the problem (with up to five offending image ids)
     */
    public static Result read(InputStream in, String source, Map<Long, Integer> imageIndex,
                              Map<Long, Integer> categoryIndex) throws IOException {
        return read(in, source, new Keys(imageIndex, categoryIndex, Map.of(), Map.of(), Map.of()), image -> true);
    }

    /** the detections of the images (by index) that {@code keep} accepts, checking them all */
    static Result read(InputStream in, String source, Keys keys, IntPredicate keep) throws IOException {
        BoxTable table = new BoxTable();
        LongStream.Builder sequence = LongStream.builder();
        long unknownCategory = 0;
        List<Long> unknownImages = new ArrayList<>();
        long unknownImageCount = 0;
        try (JsonParser p = JSON.createParser(in)) {
            if (p.nextToken() != JsonToken.START_ARRAY) {
                throw new IOException(source + ": a COCO results file is a JSON array of detections");
            }
            int n = 0;
            while (p.nextToken() == JsonToken.START_OBJECT) {
                long image = Long.MIN_VALUE;
                long category = Long.MIN_VALUE;
                double score = Double.NaN;
                double[] box = null;
                String fileName = null;
                String categoryName = null;
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    JsonToken t = p.nextToken();
                    switch (key) {
                        case "image_id" -> image = t.isNumeric() ? p.getLongValue() : Long.MIN_VALUE;
                        case "category_id" -> category = t.isNumeric() ? p.getLongValue() : Long.MIN_VALUE;
                        case "score" -> score = t.isNumeric() ? p.getDoubleValue() : Double.NaN;
                        case "bbox" -> box = CocoParser.readBox(p);
                        case "file_name" -> fileName = t == JsonToken.VALUE_STRING ? p.getText() : null;
                        case "category_name" -> categoryName = t == JsonToken.VALUE_STRING ? p.getText() : null;
                        default -> p.skipChildren();
                    }
                }
                String where = source + "[" + n++ + "]";
                if (image == Long.MIN_VALUE || category == Long.MIN_VALUE || box == null) {
                    throw new IOException(where + ": a detection needs image_id, category_id and a bbox of 4 numbers");
                }
                if (!Double.isFinite(score)) {
                    throw new IOException(where + ": score is not a finite number");
                }
                if (!(Double.isFinite(box[0]) && Double.isFinite(box[1]) && Double.isFinite(box[2]) && Double.isFinite(box[3]))) {
                    throw new IOException(where + ": bbox has a coordinate that is not a finite number");
                }
                Integer img = keys.imageByCocoId().get(image);
                if (img == null && fileName != null) {
                    img = keys.imageByFileName().get(EvalData.baseName(fileName));
                    if (img == null) {
                        img = keys.imageByStem().get(ImageIds.stem(fileName));
                    }
                }
                if (img == null) {
                    if (unknownImages.size() < NAMED) {
                        unknownImages.add(image);
                    }
                    unknownImageCount++;
                    continue;
                }
                if (!keep.test(img)) {
                    continue;
                }
                Integer cat = categoryName != null ? keys.classByName().get(categoryName) : null;
                if (cat == null) {
                    cat = keys.classByCategoryId().get(category);
                }
                if (cat == null) {
                    unknownCategory++;
                    continue;
                }
                table.addXywh(img, cat, box[0], box[1], box[2], box[3], box[2] * box[3], score, false, false);
                sequence.add(n - 1);
            }
            if (p.currentToken() != JsonToken.END_ARRAY) {
                throw new IOException(source + ": detection " + n + " is not a JSON object");
            }
        } catch (JsonProcessingException e) {
            throw new IOException(source + ": not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (unknownImageCount > 0) {
            throw new IOException(source + ": " + unknownImageCount + " detections are for images the ground truth"
                    + " does not have (image ids " + unknownImages + (unknownImageCount > NAMED ? ", ..." : "")
                    + "); pycocotools refuses such a file too");
        }
        return new Result(table, sequence.build().toArray(), unknownCategory);
    }
}
