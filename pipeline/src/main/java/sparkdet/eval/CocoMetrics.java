package sparkdet.eval;

import java.util.Map;

/**
 * COCOeval's results: the 12 summary numbers in pycocotools' order, and AP, AP50, AP75 per
 * category that has ground truth (category id -> values).
 */
public record CocoMetrics(double[] stats, Map<Long, double[]> perCategory) {
    public static final String[] NAMES = {"AP", "AP50", "AP75", "APs", "APm", "APl", "AR1", "AR10", "AR100", "ARs",
        "ARm", "ARl"};
}
