package sparkdet.eval;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import sparkdet.data.BoxObject;
import sparkdet.data.ClassList;
import sparkdet.data.ImageIds;
import sparkdet.data.ImageRecord;

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
                throw new IllegalArgumentException("two ground-truth images have the COCO image id " + r.cocoImageId);
            }
            imageByStem.putIfAbsent(ImageIds.stem(r.fileName), i);
            imageByFileName.putIfAbsent(baseName(r.fileName), i);
        }
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
            for (BoxObject o : images.get(i).objects) {
                if (o.classIndex >= 0 && o.classIndex < classes.size()) {
                    t.addCorners(i, o.classIndex, o.xmin, o.ymin, o.xmax, o.ymax, o.area, 0, o.iscrowd,
                            o.difficult || o.iscrowd);
                }
            }
        }
        return t;
    }
}
