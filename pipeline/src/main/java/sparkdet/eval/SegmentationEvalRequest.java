package sparkdet.eval;

import sparkdet.image.PixelLimit;

/**
 * What {@code evaluate --task segment} is asked for.
 *
 * @param gt a VOC root, a folder of label PNGs or an ingested segmentation dataset ({@link SegmentationSources})
 * @param predictions a folder of predicted PNGs or predict's output
 * @param classes a classes file (one name a line), or null for the ground truth's classes.txt
 * @param split the VOC split: ImageSets/Segmentation/&lt;split&gt;.txt
 * @param mode local (threads on the driver), cluster (Spark tasks) or auto (cluster when the
 *     predictions are larger than {@code clusterAboveBytes})
 * @param shards the cluster path's number of tasks (0: Spark's default parallelism)
 * @param pixelLimit the most pixels a mask may declare
 */
public record SegmentationEvalRequest(String gt, String predictions, String output, String classes, String split,
                                      boolean overwrite, String mode, long clusterAboveBytes, int shards,
                                      PixelLimit pixelLimit) {
    public SegmentationEvalRequest {
        EvalRequest.checkPlacement(mode, shards);
        if (split == null || split.isBlank() || split.contains("/")) {
            throw new IllegalArgumentException("--split names a file of ImageSets/Segmentation/, not '" + split + "'");
        }
    }
}
