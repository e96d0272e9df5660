package sparkdet.eval;

import java.util.Map;

/**
 * COCOeval's results: the 12 summary numbers in pycocotools' order, and AP, AP50, AP75 per
 * category that has ground truth (category id -> values). The AR100 name is pycocotools'; it is
 * the recall at {@code maxDets} detections per image (100 unless asked otherwise).
 */
public record CocoMetrics(double[] stats, Map<Long, double[]> perCategory, int maxDets) {
    public static final String[] NAMES = {"AP", "AP50", "AP75", "APs", "APm", "APl", "AR1", "AR10", "AR100", "ARs",
        "ARm", "ARl"};
}
