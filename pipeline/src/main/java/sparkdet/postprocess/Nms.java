package sparkdet.postprocess;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Per-class greedy non-maximum suppression, as torchvision's batched_nms keeps boxes: in
 * descending score, a box survives unless a kept box of its class overlaps it by more than the
 * IoU threshold; then the best {@code maxDets} of all classes.
 */
public final class Nms {
    private Nms() {
    }

    public static List<Detection> apply(List<Detection> candidates, double iouThreshold, int maxDets) {
        List<Detection> sorted = new ArrayList<>(candidates);
        sorted.sort(Comparator.comparingDouble(Detection::score).reversed());
        List<Detection> kept = new ArrayList<>();
        for (Detection d : sorted) {
            boolean suppressed = false;
            for (Detection k : kept) {
                if (k.classIndex() == d.classIndex() && k.iou(d) > iouThreshold) {
                    suppressed = true;
                    break;
                }
            }
            if (!suppressed) {
                kept.add(d);
                if (kept.size() == maxDets) {
                    break;
                }
            }
        }
        return kept;
    }
}
