package sparkdet.predict;

import java.io.Serializable;

/**
 * One picture to run the detector on: its id (a dataset's image id, or a listed file's path under
 * the input folder without its extension), the integer id COCO results use, where it is, and
 * the name its outputs get ({@code txt/<outputName>.txt}, {@code images/<outputName>.jpg}; see
 * {@link OutputNames}).
 */
public record ImageRef(String imageId, long cocoImageId, String uri, String fileName, String outputName)
        implements Serializable {
}
