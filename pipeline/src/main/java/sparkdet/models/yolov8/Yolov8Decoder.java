package sparkdet.models.yolov8;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import sparkdet.postprocess.BestClass;
import sparkdet.postprocess.Detection;
import sparkdet.postprocess.Nms;
import sparkdet.postprocess.OutputDecoder;

/**
 * The Ultralytics YOLOv8/YOLO11 export layout: one output [N, 4 + C, A], per anchor point its box
 * centre x, centre y, width, height in input pixels, then C class scores already passed through
 * the sigmoid; no objectness, so a box's score is its best class score.
 */
public final class Yolov8Decoder implements OutputDecoder {
    private final int classes;

    public Yolov8Decoder(int classes) {
        this.classes = classes;
    }

    @Override
    public List<List<Detection>> decode(float[][] outputs, long[][] shapes, double scoreThreshold, double nmsIou,
                                        int maxDets) {
        if (outputs.length < 1 || shapes[0].length != 3 || shapes[0][1] != 4L + classes) {
            throw new IllegalArgumentException("a yolov8 model gives one output [N, 4 + " + classes + " classes, anchors]; "
                    + "this one gave " + (outputs.length == 0 ? "none" : Arrays.toString(shapes[0])));
        }
        float[] out = outputs[0];
        int n = (int) shapes[0][0];
        int anchors = (int) shapes[0][2];
        int rows = 4 + classes;
        List<List<Detection>> result = new ArrayList<>();
        for (int image = 0; image < n; image++) {
            int base = image * rows * anchors;
            List<Detection> candidates = new ArrayList<>();
            for (int a = 0; a < anchors; a++) {
                int best = BestClass.of(out, base + 4 * anchors + a, anchors, classes);
                float bestScore = out[base + (4 + best) * anchors + a];
                if (bestScore < scoreThreshold) {
                    continue;
                }
                float cx = out[base + a];
                float cy = out[base + anchors + a];
                float w = out[base + 2 * anchors + a];
                float h = out[base + 3 * anchors + a];
                candidates.add(new Detection(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2, bestScore, best));
            }
            result.add(Nms.apply(candidates, nmsIou, maxDets));
        }
        return result;
    }

    @Override
    public int classes() {
        return classes;
    }
}
