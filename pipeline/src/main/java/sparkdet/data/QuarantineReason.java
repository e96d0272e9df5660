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
    BOX_OUTSIDE_IMAGE,
    /** a segmentation image without its mask file */
    MASK_MISSING,
    /** a mask that is not a PNG, or is cut short or corrupt, or of 16 bits a value */
    MASK_UNREADABLE,
    /** a mask whose header declares more pixels than sparkdet.images.max-pixels (refused undecoded) */
    MASK_TOO_LARGE,
    /** an RGB, RGBA or grey + alpha mask: colours, not one class index a pixel */
    MASK_NOT_SINGLE_CHANNEL,
    /** a mask of another size than its picture */
    MASK_SIZE_MISMATCH,
    /** a mask of only 0 and 255 in a two-class dataset: 255 is "ignore", so the object would never be learned */
    MASK_ONLY_0_255;

    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }
}
