package sparkdet.eval;

import java.io.Serializable;

/**
 * One detection as its file gives it, before it is matched to a ground-truth image: the keys that
 * name its image (a COCO image id, a file name), its class already resolved against the ground
 * truth's (small) class list, its box in the source's own form, and its place in the source (the
 * tie-break of equal scores). A class, not a record, so that Kryo serializes it field by field in
 * the cluster path's shuffles (records fall back to Java serialization, see RecordRegistrator).
 */
final class RawDetection implements Serializable {
    private static final long serialVersionUID = 1L;
    static final long NO_IMAGE_ID = Long.MIN_VALUE;

    /** the position in the source: a COCO results file's index, or (txt file number << 32 | line) */
    final long sequence;
    /** the COCO image id, or {@link #NO_IMAGE_ID} (txt files name their image by their own name) */
    final long imageId;
    /** the file name the detection names its image by (COCO's file_name, the txt file's name), or null */
    final String fileName;
    /** the ground truth's class index, or -1 when the ground truth does not have the class */
    final int classIndex;
    /** true: a, b, c, d are the corners x1, y1, x2, y2; false: COCO's x, y, w, h */
    final boolean corners;
    final double a;
    final double b;
    final double c;
    final double d;
    final double score;
    /** why the source could not be read (the row then carries nothing else), else null */
    final String problem;

    RawDetection(long sequence, long imageId, String fileName, int classIndex, boolean corners, double a, double b,
                 double c, double d, double score, String problem) {
        this.sequence = sequence;
        this.imageId = imageId;
        this.fileName = fileName;
        this.classIndex = classIndex;
        this.corners = corners;
        this.a = a;
        this.b = b;
        this.c = c;
        this.d = d;
        this.score = score;
        this.problem = problem;
    }

    /** the row that stands for a source that could not be read */
    static RawDetection unreadable(String problem) {
        return new RawDetection(Long.MAX_VALUE, NO_IMAGE_ID, null, -1, false, 0, 0, 0, 0, 0, problem);
    }

    /**
     * adds the box to a table as image {@code image}, in the form pycocotools or the devkit reads it
     *
     * @return its row
     */
    int addTo(BoxTable table, int image) {
        return corners ? table.addCorners(image, classIndex, a, b, c, d, (c - a) * (d - b), score, false, false)
                : table.addXywh(image, classIndex, a, b, c, d, c * d, score, false, false);
    }
}
