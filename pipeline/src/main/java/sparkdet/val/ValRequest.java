package sparkdet.val;

import sparkdet.predict.PredictRequest;

/**
 * What {@code val} is asked for: a prediction whose input is a dataset written by ingest and whose
 * output is val's folder (post-processing: the mAP preset, {@code sparkdet.val}), and how
 * evaluate scores a detection model's boxes. A segmentation model's masks are scored by
 * get_miou's rules, which take no settings.
 *
 * @param predict the model, the dataset, the output, batch, score, NMS, max-dets, device...
 * @param iou the VOC metric's IoU threshold (get_map.py's MINOVERLAP)
 * @param scoreThreshold where precision, recall, F1 and the confusion matrix are read (get_map.py's score_threhold)
 * @param mode evaluate's placement: local, cluster or auto (see {@link sparkdet.eval.EvalRequest})
 * @param clusterAboveBytes auto's cluster threshold
 * @param shards the cluster path's shards (0: Spark's default parallelism)
 */
public record ValRequest(PredictRequest predict, double iou, double scoreThreshold, String mode,
                         long clusterAboveBytes, int shards) {
}
