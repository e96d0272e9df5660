package sparkdet.eval;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import sparkdet.data.ClassList;
import sparkdet.data.ImageRecord;
import sparkdet.io.InputUnusableException;

/**
 * Ground truth in the one index space both metrics use: images in COCO image id order, classes
 * in the dataset's order, each class with its COCO category id (COCO's own; for VOC and lines
 * ground truth, class index + 1, COCO's 1-based convention).
 */
public final class EvalData {
    private final List<ImageRecord> images;
    private final ClassList classes;
    private final long[] categoryIds;
    private final Map<Long, Integer> imageByCocoId = new HashMap<>();
    private final Map<String, Integer> imageByStem = new HashMap<>();
    private final Map<String, Integer> imageByFileName = new HashMap<>();
    private final Map<Long, Integer> classByCategoryId = new HashMap<>();

    /**
     * @param categoryIds the category id of each class, or null for class index + 1
     */
    public EvalData(List<ImageRecord> images, ClassList classes, long[] categoryIds) {
        this.images = images.stream().sorted(java.util.Comparator.comparingLong(r -> r.cocoImageId)).toList();
        this.classes = classes;
        this.categoryIds = new long[classes.size()];
        for (int c = 0; c < classes.size(); c++) {
            this.categoryIds[c] = categoryIds != null ? categoryIds[c] : c + 1;
            classByCategoryId.put(this.categoryIds[c], c);
        }
        for (int i = 0; i < this.images.size(); i++) {
            ImageRecord r = this.images.get(i);
            if (imageByCocoId.put(r.cocoImageId, i) != null) {
                throw new InputUnusableException(duplicateId(r.cocoImageId));
            }
            imageByStem.putIfAbsent((String) ImageKey.STEM.ofImage(r.cocoImageId, r.fileName), i);
            imageByFileName.putIfAbsent((String) ImageKey.FILE_NAME.ofImage(r.cocoImageId, r.fileName), i);
        }
    }

    static String duplicateId(long cocoImageId) {
        return "two ground-truth images have the COCO image id " + cocoImageId;
    }

    /**
     * each class's COCO category id as an ingested dataset's objects give it (the largest where
     * they disagree); class index + 1 for every class unless every class has one
     */
    static long[] categoryIds(Map<Integer, Long> idByClass, int classes) {
        long[] ids = new long[classes];
        for (int c = 0; c < classes; c++) {
            Long id = idByClass.get(c);
            if (id == null) {
                return java.util.stream.LongStream.rangeClosed(1, classes).toArray();
            }
            ids[c] = id;
        }
        return ids;
    }

    public List<ImageRecord> images() {
        return images;
    }

    public ClassList classes() {
        return classes;
    }

    public long[] categoryIds() {
        return categoryIds.clone();
    }

    public Map<Long, Integer> imageByCocoId() {
        return imageByCocoId;
    }

    public Map<String, Integer> imageByStem() {
        return imageByStem;
    }

    /** by the file's name with its extension (dog.jpg and dog.png are two images), folders left out */
    public Map<String, Integer> imageByFileName() {
        return imageByFileName;
    }

    /** the last element of a file name that may hold folders */
    public static String baseName(String fileName) {
        return fileName.substring(Math.max(fileName.lastIndexOf('/'), fileName.lastIndexOf('\\')) + 1);
    }

    public Map<Long, Integer> classByCategoryId() {
        return classByCategoryId;
    }

    /** the boxes, category = class index; VOC's difficult includes COCO's crowd */
    public BoxTable boxes() {
        BoxTable t = new BoxTable();
        for (int i = 0; i < images.size(); i++) {
            GroundTruthImage.of(images.get(i), classes.size()).addTo(t, i);
        }
        return t;
    }
}
