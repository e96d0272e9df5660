package sparkdet.data;

import java.io.Serializable;
import java.util.List;

/** One row of a dataset: an image (pointed at, never copied) and its objects. */
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

    public ImageRecord(String imageId, long cocoImageId, String uri, String fileName, int width,
                       int height, String split, String source, List<BoxObject> objects) {
        this.imageId = imageId;
        this.cocoImageId = cocoImageId;
        this.uri = uri;
        this.fileName = fileName;
        this.width = width;
        this.height = height;
        this.split = split;
        this.source = source;
        this.objects = objects instanceof java.util.ArrayList ? objects : new java.util.ArrayList<>(objects);
    }

    public ImageRecord withObjects(List<BoxObject> newObjects) {
        return new ImageRecord(imageId, cocoImageId, uri, fileName, width, height, split, source,
                newObjects);
    }

    public ImageRecord withSize(int newWidth, int newHeight) {
        return new ImageRecord(imageId, cocoImageId, uri, fileName, newWidth, newHeight, split,
                source, objects);
    }

    @Override
    public String toString() {
        return imageId + " " + width + "x" + height + " " + objects;
    }
}
