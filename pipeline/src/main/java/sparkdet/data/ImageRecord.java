package sparkdet.data;

import java.io.Serializable;
import java.util.List;

/**
 * One row of a dataset: an image (pointed at, never copied), its objects and, in a segmentation
 * dataset, its mask (pointed at as well) with the mask's pixel histogram.
 */
public final class ImageRecord implements Serializable {
    private static final long serialVersionUID = 1L;

    /** stable id: the COCO id in decimal, the VOC file stem, or the image path of an annotation line */
    public final String imageId;
    /** the integer id used in COCO results JSON (see {@link ImageIds}) */
    public final long cocoImageId;
    /** absolute URI of the image file (file:, hdfs:, s3a:) */
    public final String uri;
    /** the file name as the source wrote it */
    public final String fileName;
    public final int width;
    public final int height;
    public final String split;
    /** the annotation file (and line or record) this row came from */
    public final String source;
    public final List<BoxObject> objects;
    /** absolute URI of the mask PNG (one class index a pixel), or null in a detection dataset */
    public final String maskUri;
    /**
     * how many of the mask's pixels hold each value 0..255 ({@link #MASK_VALUES} entries; 255 and
     * values beyond the classes are ignored), or null in a detection dataset
     */
    public final long[] maskPixels;

    /** the length of {@link #maskPixels}: one count for each value a mask pixel can hold */
    public static final int MASK_VALUES = 256;
    /** the mask value of pixels to ignore (VOC's object borders and void regions), never a class */
    public static final int MASK_IGNORE = 255;

    /** a row without a mask (a detection dataset's) */
    public ImageRecord(String imageId, long cocoImageId, String uri, String fileName, int width,
                       int height, String split, String source, List<BoxObject> objects) {
        this(imageId, cocoImageId, uri, fileName, width, height, split, source, objects, null, null);
    }

    /**
     * @param maskUri the mask's URI, or null for none
     * @param maskPixels the mask's histogram of {@link #MASK_VALUES} counts; null exactly when maskUri is
     */
    public ImageRecord(String imageId, long cocoImageId, String uri, String fileName, int width,
                       int height, String split, String source, List<BoxObject> objects, String maskUri,
                       long[] maskPixels) {
        if ((maskUri == null) != (maskPixels == null)
                || maskPixels != null && maskPixels.length != MASK_VALUES) {
            throw new IllegalArgumentException("a mask needs its URI and " + MASK_VALUES + " pixel counts, not "
                    + maskUri + " and " + (maskPixels == null ? "none" : maskPixels.length + " counts"));
        }
        this.imageId = imageId;
        this.cocoImageId = cocoImageId;
        this.uri = uri;
        this.fileName = fileName;
        this.width = width;
        this.height = height;
        this.split = split;
        this.source = source;
        this.objects = objects instanceof java.util.ArrayList ? objects : new java.util.ArrayList<>(objects);
        this.maskUri = maskUri;
        this.maskPixels = maskPixels;
    }

    public ImageRecord withObjects(List<BoxObject> newObjects) {
        return new ImageRecord(imageId, cocoImageId, uri, fileName, width, height, split, source,
                newObjects, maskUri, maskPixels);
    }

    public ImageRecord withSize(int newWidth, int newHeight) {
        return new ImageRecord(imageId, cocoImageId, uri, fileName, newWidth, newHeight, split,
                source, objects, maskUri, maskPixels);
    }

    /** the same row with a mask: its URI and its histogram of {@link #MASK_VALUES} counts */
    public ImageRecord withMask(String newMaskUri, long[] newMaskPixels) {
        return new ImageRecord(imageId, cocoImageId, uri, fileName, width, height, split, source,
                objects, newMaskUri, newMaskPixels);
    }

    /** whether the row has a mask (a segmentation dataset's row) */
    public boolean hasMask() {
        return maskUri != null;
    }

    @Override
    public String toString() {
        return imageId + " " + width + "x" + height + " " + objects + (maskUri == null ? "" : " mask " + maskUri);
    }
}
