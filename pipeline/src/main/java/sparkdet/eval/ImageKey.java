package sparkdet.eval;

import sparkdet.data.ImageIds;

/**
 * The ways a detection names its ground-truth image, tried in this order: pycocotools' image id,
 * then the file's name with its extension (dog.jpg and dog.png are two images; folders left out),
 * then its stem (predict's detections.json and get_map.py's txt files name images so). Where
 * several ground-truth images share a name or stem, the first in image id order is meant.
 */
enum ImageKey {
    COCO_ID, FILE_NAME, STEM;

    /** the key of a detection, or null when it gives none of this kind */
    Object of(RawDetection d) {
        if (this == COCO_ID) {
            return d.imageId == RawDetection.NO_IMAGE_ID ? null : d.imageId;
        }
        return d.fileName == null ? null : ofImage(d.imageId, d.fileName);
    }

    /** the key of a ground-truth image */
    Object ofImage(long cocoId, String fileName) {
        return switch (this) {
            case COCO_ID -> cocoId;
            case FILE_NAME -> EvalData.baseName(fileName);
            case STEM -> ImageIds.stem(fileName);
        };
    }
}
