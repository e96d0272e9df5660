package sparkdet.data;

import java.util.Locale;

/** Why a record was quarantined; the lower-case code is what quarantine.jsonl and stats.json say. */
public enum QuarantineReason {
    /** the annotation file is not well-formed (XML, JSON) or is cut short */
    MALFORMED_ANNOTATION,
    /** XML with a DOCTYPE: DTDs and entities are refused, never expanded */
    XML_DOCTYPE_FORBIDDEN,
    /** a line of an annotation-lines file that cannot be parsed */
    MALFORMED_LINE,
    /** a split list names an image whose annotation file does not exist */
    ANNOTATION_MISSING,
    /** the image file does not exist */
    IMAGE_MISSING,
    /** the image exists but its header cannot be read (truncated, not an image) */
    IMAGE_UNREADABLE,
    /** more pixels than sparkdet.images.max-pixels (by the annotation's size or the header's) */
    IMAGE_TOO_LARGE,
    /** no usable width/height in the annotation and no image to read it from */
    IMAGE_SIZE_UNKNOWN,
    /** an image path that climbs out of the image root */
    PATH_OUTSIDE_ROOT,
    /** a second record for an image id already seen */
    DUPLICATE_IMAGE_ID,
    /** a COCO annotation whose image_id is not among the images */
    MISSING_IMAGE_ID,
    /** a COCO annotation whose category_id is not among the categories */
    UNKNOWN_CATEGORY,
    /** a label that is not in the classes file */
    UNKNOWN_LABEL,
    /** a class index outside the classes file (annotation lines) */
    CLASS_INDEX_OUT_OF_RANGE,
    /** a box with NaN or infinite coordinates */
    INVALID_BOX,
    /** xmax <= xmin or ymax <= ymin (after clipping) */
    DEGENERATE_BOX,
    /** a box further outside the image than the clip tolerance */
    BOX_OUTSIDE_IMAGE;

    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }
}
