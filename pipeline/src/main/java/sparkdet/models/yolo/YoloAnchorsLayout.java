package sparkdet.models.yolo;

import com.typesafe.config.Config;
import java.util.List;
import sparkdet.model.SidecarLayout;
import sparkdet.postprocess.OutputDecoder;

/**
 * The sidecar layout {@code yolo-anchors}: raw YOLOv3/v4/v4-tiny heads, one output per scale
 * (DESIGN.md), decoded with the sidecar's {@code anchors} (w0, h0, w1, h1, ... in input pixels)
 * and {@code anchors-mask} (the anchors of each output, in output order).
 */
public final class YoloAnchorsLayout implements SidecarLayout {
    public static final String NAME = "yolo-anchors";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public OutputDecoder decoder(Config sidecar, int classes, int inputSize) {
        float[][] anchors = anchors(sidecar);
        return new YoloAnchorDecoder(YoloAnchorDecoder.BoxForm.SIGMOID_EXP, anchors, mask(sidecar, anchors.length),
                classes, inputSize, inputSize);
    }

    /** the sidecar's {@code anchors}, as (w, h) pairs */
    public static float[][] anchors(Config sidecar) {
        List<Double> flat = sidecar.getDoubleList("anchors");
        if (flat.isEmpty() || flat.size() % 2 != 0) {
            throw new IllegalArgumentException("anchors: pairs w0, h0, w1, h1, ... in input pixels");
        }
        float[][] anchors = new float[flat.size() / 2][];
        for (int i = 0; i < anchors.length; i++) {
            anchors[i] = new float[] {flat.get(2 * i).floatValue(), flat.get(2 * i + 1).floatValue()};
        }
        return anchors;
    }

    /**
     * The sidecar's {@code anchors-mask}; without one, the reference repositories' mask for that
     * many anchors: 6 is YOLOv4-tiny's [[3,4,5],[1,2,3]], 9 is YOLOv3/v4's [[6,7,8],[3,4,5],[0,1,2]].
     */
    public static int[][] mask(Config sidecar, int anchorCount) {
        if (!sidecar.hasPath("anchors-mask")) {
            return switch (anchorCount) {
                case 6 -> new int[][] {{3, 4, 5}, {1, 2, 3}};
                case 9 -> new int[][] {{6, 7, 8}, {3, 4, 5}, {0, 1, 2}};
                default -> throw new IllegalArgumentException("anchors-mask is needed for " + anchorCount
                        + " anchors (the defaults cover 6 and 9)");
            };
        }
        List<? extends List<Integer>> groups = sidecar.getList("anchors-mask").stream().map(v -> ((List<?>) v.unwrapped())
                .stream().map(o -> ((Number) o).intValue()).toList()).toList();
        int[][] mask = new int[groups.size()][];
        for (int s = 0; s < mask.length; s++) {
            mask[s] = groups.get(s).stream().mapToInt(Integer::intValue).toArray();
            for (int a : mask[s]) {
                if (a < 0 || a >= anchorCount) {
                    throw new IllegalArgumentException("anchors-mask names anchor " + a + " of " + anchorCount);
                }
            }
        }
        return mask;
    }
}
