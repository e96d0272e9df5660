package sparkdet.data;

import java.util.Locale;

/**
 * Something odd about a row that is kept: counted in stats.json's {@code warnings}, by the
 * lower-case code, so that a dataset that would train badly says so before training.
 */
public enum DatasetWarning {
    /** a mask with no pixel but background (0): the image teaches only background */
    MASK_BACKGROUND_ONLY,
    /** a mask with values at or beyond the class count other than 255: those pixels are ignored */
    MASK_CLASS_OUT_OF_RANGE,
    /**
     * a mask of only 0 and 255 where there are more than two classes (VOC marks whole ambiguous
     * objects 255): it teaches only background; with two classes it is quarantined instead
     */
    MASK_ONLY_0_255;

    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }
}
