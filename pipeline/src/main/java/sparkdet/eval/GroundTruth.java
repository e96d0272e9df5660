package sparkdet.eval;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import sparkdet.data.BoxObject;
import sparkdet.data.ImageRecord;

/**
 * Ground truth for evaluation: the images (by COCO image id, sorted, as pycocotools orders them),
 * the categories (sorted ids) and the boxes, from dataset rows however they were read.
 */
public final class GroundTruth {
    private final long[] imageIds;
    private final long[] categoryIds;
    private final Map<Long, Integer> imageIndex = new HashMap<>();
    private final Map<Long, Integer> categoryIndex = new HashMap<>();
    private final BoxTable boxes = new BoxTable();

    /**
     * @param categoryIds every category of the ground truth (with or without boxes), sorted
     */
    public GroundTruth(List<ImageRecord> images, long[] categoryIds) {
        this.imageIds = images.stream().mapToLong(r -> r.cocoImageId).sorted().distinct().toArray();
        if (imageIds.length != images.size()) {
            throw new IllegalArgumentException("two ground-truth images share a COCO image id");
        }
        this.categoryIds = categoryIds.clone();
        for (int i = 0; i < imageIds.length; i++) {
            imageIndex.put(imageIds[i], i);
        }
        for (int i = 0; i < categoryIds.length; i++) {
            categoryIndex.put(categoryIds[i], i);
        }
        for (ImageRecord r : images) {
            int img = imageIndex.get(r.cocoImageId);
            for (BoxObject o : r.objects) {
                Integer cat = categoryIndex.get(o.categoryId);
                if (cat != null) {
                    boxes.addCorners(img, cat, o.xmin, o.ymin, o.xmax, o.ymax, o.area, 0, o.iscrowd, o.difficult);
                }
            }
        }
    }

    public long[] imageIds() {
        return imageIds.clone();
    }

    public long[] categoryIds() {
        return categoryIds.clone();
    }

    public Map<Long, Integer> imageIndex() {
        return imageIndex;
    }

    public Map<Long, Integer> categoryIndex() {
        return categoryIndex;
    }

    public BoxTable boxes() {
        return boxes;
    }
}
