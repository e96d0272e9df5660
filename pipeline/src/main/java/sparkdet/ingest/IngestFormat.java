package sparkdet.ingest;

import java.util.Locale;

/** The annotation formats ingest reads. */
public enum IngestFormat {
    /** Pascal VOC: a root with Annotations/, JPEGImages/, ImageSets/Main/, or an Annotations folder */
    VOC,
    /** a COCO instances JSON */
    COCO,
    /** the YOLO repositories' annotation lines, with a classes file */
    LINES;

    public static IngestFormat parse(String s) {
        try {
            return valueOf(s.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--format must be voc, coco or lines, not '" + s + "'");
        }
    }
}
