package sparkdet.ingest;

import java.util.Locale;

/** The annotation formats ingest reads. */
public enum IngestFormat {
    /** Pascal VOC: a root with Annotations/, JPEGImages/, ImageSets/Main/, or an Annotations folder */
    VOC,
    /**
     * Pascal VOC segmentation: a root with JPEGImages/, SegmentationClass/ (or labelme's
     * SegmentationClassPNG/) and ImageSets/Segmentation/
     */
    VOC_SEG,
    /** a COCO instances JSON */
    COCO,
    /** the YOLO repositories' annotation lines, with a classes file */
    LINES;

    /** the name on the command line: voc, voc-seg, coco, lines */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static IngestFormat parse(String s) {
        for (IngestFormat f : values()) {
            if (f.label().equals(s)) {
                return f;
            }
        }
        throw new IllegalArgumentException("--format must be voc, voc-seg, coco or lines, not '" + s + "'");
    }
}
