package sparkdet.models.yolo;

import java.util.ArrayList;
import java.util.List;
import sparkdet.postprocess.BestClass;
import sparkdet.postprocess.Sigmoid;
import sparkdet.postprocess.Detection;
import sparkdet.postprocess.Nms;
import sparkdet.postprocess.OutputDecoder;

/**
 * Raw anchor-based YOLO heads to boxes, the way the PyTorch YOLO repositories decode them: one
 * output per scale, [N, A*(5+C), H, W], channel a*(5+C)+k with k = tx, ty, tw, th, objectness,
 * classes; the box by the family's {@link BoxForm}; confidence = objectness x the best class
 * probability. Works on plain float arrays, so that libtorch and ONNX Runtime outputs decode alike.
 */
public final class YoloAnchorDecoder implements OutputDecoder {
    /** how tx, ty, tw, th become a box in input pixels */
    public enum BoxForm {
        /** YOLOv3/v4/v4-tiny: centre = (sigmoid(t) + cell) * stride, size = exp(t) * anchor */
        SIGMOID_EXP,
        /** YOLOv5/v7: centre = (2 sigmoid(t) - 0.5 + cell) * stride, size = (2 sigmoid(t))^2 * anchor */
        YOLOV5;

        float centre(float t, int cell, float stride) {
            return this == SIGMOID_EXP ? (Sigmoid.of(t) + cell) * stride : (2 * Sigmoid.of(t) - 0.5f + cell) * stride;
        }

        float size(float t, float anchor) {
            if (this == SIGMOID_EXP) {
                return (float) Math.exp(t) * anchor;
            }
            float s = 2 * Sigmoid.of(t);
            return s * s * anchor;
        }
    }

    private final BoxForm form;
    private final float[][] anchors;
    private final int[][] mask;
    private final int classes;
    private final int inputHeight;
    private final int inputWidth;

    /**
     * @param anchors (w, h) pairs in input pixels
     * @param mask per output (in output order), the indices of its anchors
     */
    public YoloAnchorDecoder(BoxForm form, float[][] anchors, int[][] mask, int classes, int inputHeight,
                             int inputWidth) {
        for (int[] m : mask) {
            for (int a : m) {
                if (a < 0 || a >= anchors.length) {
                    throw new IllegalArgumentException("anchor mask names anchor " + a + " of " + anchors.length);
                }
            }
        }
        this.form = form;
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
            throw new IllegalArgumentException("a head of shape " + java.util.Arrays.toString(shape)
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
        float objectnessFloor = Sigmoid.logitBelow(scoreThreshold);
        for (int a = 0; a < anchorIndex.length; a++) {
            int channel0 = base + a * per * plane;
            float[] anchor = anchors[anchorIndex[a]];
            for (int cell = 0; cell < plane; cell++) {
                float logit = head[channel0 + 4 * plane + cell];
                if (logit < objectnessFloor) {
                    continue;   // most cells: no exp for them
                }
                float objectness = Sigmoid.of(logit);
                if (objectness < scoreThreshold) {
                    continue;   // confidence = objectness x class probability <= objectness
                }
                int best = BestClass.of(head, channel0 + 5 * plane + cell, plane, classes);
                float score = objectness * Sigmoid.of(head[channel0 + (5 + best) * plane + cell]);
                if (score < scoreThreshold) {
                    continue;
                }
                float cx = form.centre(head[channel0 + cell], cell % w, strideX);
                float cy = form.centre(head[channel0 + plane + cell], cell / w, strideY);
                float bw = form.size(head[channel0 + 2 * plane + cell], anchor[0]);
                float bh = form.size(head[channel0 + 3 * plane + cell], anchor[1]);
                out.add(new Detection(cx - bw / 2, cy - bh / 2, cx + bw / 2, cy + bh / 2, score, best));
            }
        }
    }
}
