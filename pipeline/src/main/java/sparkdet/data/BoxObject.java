package sparkdet.data;

import java.io.Serializable;
import java.util.Objects;

/**
 * One annotated object of an image: class, box corners in original pixels (xmax/ymax exclusive as
 * in COCO, inclusive 1-based as written in VOC files: coordinates are kept exactly as the source
 * gives them), and the flags detection datasets carry.
 */
public final class BoxObject implements Serializable {
    private static final long serialVersionUID = 1L;

    public final int classIndex;
    public final String label;
    /** the source's own category id (COCO), or -1 where the format has none */
    public final long categoryId;
    public final double xmin;
    public final double ymin;
    public final double xmax;
    public final double ymax;
    public final boolean difficult;
    public final boolean truncated;
    public final boolean iscrowd;
    /** COCO's area field (segment area); box area where the source has none */
    public final double area;
    /** COCO segmentation (polygons or RLE) as compact JSON text, or null */
    public final String segmentation;

    public BoxObject(int classIndex, String label, long categoryId, double xmin, double ymin,
                     double xmax, double ymax, boolean difficult, boolean truncated,
                     boolean iscrowd, double area, String segmentation) {
        this.classIndex = classIndex;
        this.label = label;
        this.categoryId = categoryId;
        this.xmin = xmin;
        this.ymin = ymin;
        this.xmax = xmax;
        this.ymax = ymax;
        this.difficult = difficult;
        this.truncated = truncated;
        this.iscrowd = iscrowd;
        this.area = area;
        this.segmentation = segmentation;
    }

    public double width() {
        return xmax - xmin;
    }

    public double height() {
        return ymax - ymin;
    }

    public BoxObject withClass(int newIndex, String newLabel) {
        return new BoxObject(newIndex, newLabel, categoryId, xmin, ymin, xmax, ymax, difficult,
                truncated, iscrowd, area, segmentation);
    }

    public BoxObject withCorners(double x0, double y0, double x1, double y1) {
        return new BoxObject(classIndex, label, categoryId, x0, y0, x1, y1, difficult, truncated,
                iscrowd, area, segmentation);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof BoxObject b)) {
            return false;
        }
        return classIndex == b.classIndex && categoryId == b.categoryId && xmin == b.xmin
                && ymin == b.ymin && xmax == b.xmax && ymax == b.ymax && difficult == b.difficult
                && truncated == b.truncated && iscrowd == b.iscrowd && area == b.area
                && Objects.equals(label, b.label) && Objects.equals(segmentation, b.segmentation);
    }

    @Override
    public int hashCode() {
        return Objects.hash(classIndex, label, xmin, ymin, xmax, ymax);
    }

    @Override
    public String toString() {
        return label + "[" + classIndex + "] (" + xmin + ", " + ymin + ", " + xmax + ", " + ymax + ")"
                + (difficult ? " difficult" : "") + (iscrowd ? " crowd" : "");
    }
}
