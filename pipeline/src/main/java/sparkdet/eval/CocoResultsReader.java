package sparkdet.eval;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import sparkdet.ingest.CocoParser;

/**
 * A COCO results JSON ({@code [{image_id, category_id, bbox: [x, y, w, h], score}, ...]}) read as a
 * stream, checked the way pycocotools' loadRes checks it and more: a detection for an image the
 * ground truth does not have is an error (pycocotools refuses the file), a NaN or infinite score
 * or box is an error, a category the ground truth does not have is counted and left out
 * (pycocotools never evaluates it). Detections that also name their {@code file_name} and
 * {@code category_name} (predict writes both) are matched by those when their ids are not the
 * ground truth's (see {@link ImageKey} and {@link ClassKeys}).
 */
public final class CocoResultsReader {
    /** NaN and Infinity are read (Python's json writes them) so that they get a clear error below */
    private static final JsonFactory JSON = JsonFactory.builder().enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();
    /** how many unknown image ids an error names */
    static final int NAMED = 5;

    /** what was read: the detections and the number left out for an unknown category */
    public record Result(BoxTable detections, long unknownCategory) {
    }

    private CocoResultsReader() {
    }

    /** the ground truth's images by each {@link ImageKey}, and its classes */
    public record Keys(Map<Long, Integer> imageByCocoId, Map<String, Integer> imageByFileName,
                       Map<String, Integer> imageByStem, ClassKeys classes) implements Serializable {
        public static Keys of(EvalData gt) {
            return new Keys(gt.imageByCocoId(), gt.imageByFileName(), gt.imageByStem(),
                    ClassKeys.of(gt.classes(), gt.categoryIds()));
        }

        /** the image a detection names, by the first key that finds one, or null */
        Integer imageOf(RawDetection d) {
            for (ImageKey k : ImageKey.values()) {
                Object key = k.of(d);
                Integer image = key == null ? null : switch (k) {
                    case COCO_ID -> imageByCocoId.get(key);
                    case FILE_NAME -> imageByFileName.get(key);
                    case STEM -> imageByStem.get(key);
                };
                if (image != null) {
                    return image;
                }
            }
            return null;
        }
    }

    /**
     * @param imageIndex the ground truth's image id -> index
     * @param categoryIndex the ground truth's category id -> index
     * @throws IOException naming the file and the problem (with up to five offending image ids)
     */
    public static Result read(InputStream in, String source, Map<Long, Integer> imageIndex,
                              Map<Long, Integer> categoryIndex) throws IOException {
        return read(in, source, new Keys(imageIndex, Map.of(), Map.of(), new ClassKeys(Map.of(), categoryIndex)));
    }

    /** the detections, all of them checked, each matched to its image and class */
    static Result read(InputStream in, String source, Keys keys) throws IOException {
        BoxTable table = new BoxTable();
        long unknownCategory = 0;
        List<Long> unknownImages = new ArrayList<>();
        long unknownImageCount = 0;
        try (Entries entries = new Entries(in, source, keys.classes())) {
            for (RawDetection d = entries.next(); d != null; d = entries.next()) {
                Integer image = keys.imageOf(d);
                if (image == null) {
                    if (unknownImages.size() < NAMED) {
                        unknownImages.add(d.imageId);
                    }
                    unknownImageCount++;
                } else if (d.classIndex < 0) {
                    unknownCategory++;
                } else {
                    d.addTo(table, image);
                }
            }
        }
        if (unknownImageCount > 0) {
            throw new IOException(unknownImages(source, unknownImageCount, unknownImages));
        }
        return new Result(table, unknownCategory);
    }

    /** the error for detections of images the ground truth does not have, naming the first few ids */
    static String unknownImages(String source, long count, List<Long> firstIds) {
        return source + ": " + count + " detections are for images the ground truth does not have (image ids "
                + firstIds.subList(0, Math.min(NAMED, firstIds.size())) + (count > NAMED ? ", ..." : "")
                + "); pycocotools refuses such a file too";
    }

    /**
     * The detections of a results file one at a time, each checked as it is read: memory does not
     * grow with the file. A detection's sequence number is its index in the file.
     */
    static final class Entries implements Closeable {
        private final JsonParser p;
        private final String source;
        private final ClassKeys classes;
        private long n;

        Entries(InputStream in, String source, ClassKeys classes) throws IOException {
            this.source = source;
            this.classes = classes;
            this.p = JSON.createParser(in);
            try {
                if (p.nextToken() != JsonToken.START_ARRAY) {
                    throw new IOException(source + ": a COCO results file is a JSON array of detections");
                }
            } catch (JsonProcessingException e) {
                p.close();
                throw new IOException(source + ": not valid JSON: " + e.getOriginalMessage(), e);
            }
        }

        /** the next detection, or null after the last */
        RawDetection next() throws IOException {
            try {
                JsonToken start = p.nextToken();
                if (start == JsonToken.END_ARRAY) {
                    return null;
                }
                if (start != JsonToken.START_OBJECT) {
                    throw new IOException(source + ": detection " + n + " is not a JSON object");
                }
                return entry();
            } catch (JsonProcessingException e) {
                throw new IOException(source + ": not valid JSON: " + e.getOriginalMessage(), e);
            }
        }

        private RawDetection entry() throws IOException {
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
            String where = source + "[" + n + "]";
            if (image == Long.MIN_VALUE || category == Long.MIN_VALUE || box == null) {
                throw new IOException(where + ": a detection needs image_id, category_id and a bbox of 4 numbers");
            }
            if (!Double.isFinite(score)) {
                throw new IOException(where + ": score is not a finite number");
            }
            if (!(Double.isFinite(box[0]) && Double.isFinite(box[1]) && Double.isFinite(box[2])
                    && Double.isFinite(box[3]))) {
                throw new IOException(where + ": bbox has a coordinate that is not a finite number");
            }
            return new RawDetection(n++, image, fileName, classes.of(categoryName, category), false, box[0], box[1],
                    box[2], box[3], score, null);
        }

        @Override
        public void close() throws IOException {
            p.close();
        }
    }
}
