package sparkdet.models.yolov5;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import sparkdet.postprocess.Detection;
import sparkdet.postprocess.Nms;
import sparkdet.postprocess.OutputDecoder;

/**
 * Raw YOLOv5 heads to boxes, as the reference's DecodeBox.decode_box and non_max_suppression
 * (utils/utils_bbox.py): one output per scale, [N, A * (5 + C), H, W], channel a * (5 + C) + k with
 * k = tx, ty, tw, th, objectness, classes; with stride = input size / grid size,
 * <pre>
 *   centre x = (2 sigmoid(tx) - 0.5 + column) * stride      width  = (2 sigmoid(tw))^2 * anchor width
 *   centre y = (2 sigmoid(ty) - 0.5 + row) * stride         height = (2 sigmoid(th))^2 * anchor height
 *   score    = sigmoid(objectness) * max over classes of sigmoid(class)
 * </pre>
 * kept where the score is at least the threshold, then per-class NMS ({@link Nms}). Boxes are in
 * input pixels (the reference then maps them to the original picture, which is the caller's part).
 * Works on plain float arrays, so that libtorch and ONNX Runtime outputs decode alike.
 */
public final class YoloV5Decoder implements OutputDecoder {
    private final float[][] anchors;
    private final int[][] mask;
    private final int classes;
    private final int inputHeight;
    private final int inputWidth;

    /**
     * @param anchors (w, h) pairs in input pixels
     * @param mask per output (in output order), the indices of its anchors
     */
    public YoloV5Decoder(float[][] anchors, int[][] mask, int classes, int inputHeight, int inputWidth) {
        if (classes < 1) {
            throw new IllegalArgumentException("at least one class, got " + classes);
        }
        for (int[] m : mask) {
            for (int a : m) {
                if (a < 0 || a >= anchors.length) {
                    throw new IllegalArgumentException("anchor mask names anchor " + a + " of " + anchors.length);
                }
            }
        }
        this.anchors = anchors;
        this.mask = mask;
        this.classes = classes;
        this.inputHeight = inputHeight;
        this.inputWidth = inputWidth;
    }

    /**
     * @param heads per output, the N x A*(5+C) x H x W values in that (contiguous, row-major) order
     * @param shapes per output, {N, A*(5+C), H, W}
     * @return per image, the boxes in input pixels after the threshold and NMS
     */
    @Override
    public List<List<Detection>> decode(float[][] heads, long[][] shapes, double scoreThreshold, double nmsIou,
                                        int maxDets) {
        if (heads.length != mask.length) {
            throw new IllegalArgumentException("the model gave " + heads.length + " outputs; the anchors mask names "
                    + mask.length + " (one per scale)");
        }
        int n = (int) shapes[0][0];
        List<List<Detection>> out = new ArrayList<>();
        for (int image = 0; image < n; image++) {
            List<Detection> candidates = new ArrayList<>();
            for (int s = 0; s < heads.length; s++) {
                collect(heads[s], shapes[s], image, mask[s], scoreThreshold, candidates);
            }
            out.add(Nms.apply(candidates, nmsIou, maxDets));
        }
        return out;
    }

    @Override
    public int classes() {
        return classes;
    }

    private void collect(float[] head, long[] shape, int image, int[] anchorIndex, double scoreThreshold,
                         List<Detection> out) {
        if (shape.length != 4) {
            throw new IllegalArgumentException("a head of shape " + Arrays.toString(shape)
                    + " is not [N, anchors x (5 + classes), H, W]");
        }
        int h = (int) shape[2];
        int w = (int) shape[3];
        int per = 5 + classes;
        if (shape[1] != (long) anchorIndex.length * per) {
            throw new IllegalArgumentException("a head has " + shape[1] + " channels; " + anchorIndex.length
                    + " anchors x (5 + " + classes + " classes) = " + anchorIndex.length * per + " expected");
        }
        float strideX = (float) inputWidth / w;
        float strideY = (float) inputHeight / h;
        int plane = h * w;
        int base = (int) (image * shape[1] * plane);
        for (int a = 0; a < anchorIndex.length; a++) {
            int channel0 = base + a * per * plane;
            float[] anchor = anchors[anchorIndex[a]];
            for (int cell = 0; cell < plane; cell++) {
                float objectness = sigmoid(head[channel0 + 4 * plane + cell]);
                if (objectness < scoreThreshold) {
                    continue;   // score = objectness x class probability <= objectness
                }
                int best = 0;
                for (int c = 1; c < classes; c++) {
                    if (head[channel0 + (5 + c) * plane + cell] > head[channel0 + (5 + best) * plane + cell]) {
                        best = c;
                    }
                }
                float score = objectness * sigmoid(head[channel0 + (5 + best) * plane + cell]);
                if (score < scoreThreshold) {
                    continue;
                }
                float cx = (2 * sigmoid(head[channel0 + cell]) - 0.5f + cell % w) * strideX;
                float cy = (2 * sigmoid(head[channel0 + plane + cell]) - 0.5f + cell / w) * strideY;
                float sw = 2 * sigmoid(head[channel0 + 2 * plane + cell]);
                float sh = 2 * sigmoid(head[channel0 + 3 * plane + cell]);
                float bw = sw * sw * anchor[0];
                float bh = sh * sh * anchor[1];
                out.add(new Detection(cx - bw / 2, cy - bh / 2, cx + bw / 2, cy + bh / 2, score, best));
            }
        }
    }

    private static float sigmoid(float x) {
        return (float) (1 / (1 + Math.exp(-x)));
    }
}
