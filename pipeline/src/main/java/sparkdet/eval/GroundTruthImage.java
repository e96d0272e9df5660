package sparkdet.eval;

import java.io.Serializable;
import sparkdet.data.BoxObject;
import sparkdet.data.ImageRecord;

/**
 * One ground-truth image as evaluation needs it: the keys detections name it by and its boxes as
 * columns (objects whose class is in the class list, in the record's order; VOC's difficult
 * includes COCO's crowd). Labels and segmentations stay behind. A class, not a record, so that
 * Kryo serializes it field by field in the cluster path's shuffles.
 */
final class GroundTruthImage implements Serializable {
    private static final long serialVersionUID = 1L;

    final long cocoId;
    final String fileName;
    private final int[] classIndex;
    /** x1, y1, x2, y2 of each box */
    private final double[] corners;
    private final double[] area;
    private final boolean[] crowd;
    private final boolean[] difficult;

    private GroundTruthImage(long cocoId, String fileName, int boxes) {
        this.cocoId = cocoId;
        this.fileName = fileName;
        this.classIndex = new int[boxes];
        this.corners = new double[4 * boxes];
        this.area = new double[boxes];
        this.crowd = new boolean[boxes];
        this.difficult = new boolean[boxes];
    }

    /** @param classes the size of the class list: objects of other classes are left out */
    static GroundTruthImage of(ImageRecord r, int classes) {
        int n = (int) r.objects.stream().filter(o -> o.classIndex >= 0 && o.classIndex < classes).count();
        GroundTruthImage g = new GroundTruthImage(r.cocoImageId, r.fileName, n);
        int i = 0;
        for (BoxObject o : r.objects) {
            if (o.classIndex >= 0 && o.classIndex < classes) {
                g.classIndex[i] = o.classIndex;
                g.corners[4 * i] = o.xmin;
                g.corners[4 * i + 1] = o.ymin;
                g.corners[4 * i + 2] = o.xmax;
                g.corners[4 * i + 3] = o.ymax;
                g.area[i] = o.area;
                g.crowd[i] = o.iscrowd;
                g.difficult[i] = o.difficult || o.iscrowd;
                i++;
            }
        }
        return g;
    }

    /** adds the boxes to a table as image {@code image} */
    void addTo(BoxTable table, int image) {
        for (int i = 0; i < classIndex.length; i++) {
            table.addCorners(image, classIndex[i], corners[4 * i], corners[4 * i + 1], corners[4 * i + 2],
                    corners[4 * i + 3], area[i], 0, crowd[i], difficult[i]);
        }
    }
}
