package sparkdet.models.yolox;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import sparkdet.postprocess.BestClass;
import sparkdet.postprocess.Sigmoid;
import sparkdet.postprocess.Detection;
import sparkdet.postprocess.Nms;
import sparkdet.postprocess.OutputDecoder;

/**
 * YOLOX's raw outputs to boxes, as the reference's utils_bbox.decode_outputs and
 * non_max_suppression do: one output per level, [N, 5 + C, H, W], channels x, y, w, h, objectness,
 * classes; the level's stride is the input side over its grid side; centre = (t + cell) x stride,
 * size = exp(t) x stride; score = sigmoid(objectness) x sigmoid(best class logit). Works on plain
 * float arrays, so that libtorch, TorchScript and ONNX Runtime outputs decode alike.
 */
public final class YoloXDecoder implements OutputDecoder {
    private final int classes;
    private final int inputHeight;
    private final int inputWidth;

    public YoloXDecoder(int classes, int inputHeight, int inputWidth) {
        if (classes < 1) {
            throw new IllegalArgumentException("at least one class, got " + classes);
        }
        this.classes = classes;
        this.inputHeight = inputHeight;
        this.inputWidth = inputWidth;
    }

    /**
     * @param outputs per level, the N x (5 + C) x H x W values in that (contiguous, row-major) order
     * @param shapes per level, {N, 5 + C, H, W}
     * @return per image, the boxes in input pixels after the threshold and NMS
     */
    @Override
    public List<List<Detection>> decode(float[][] outputs, long[][] shapes, double scoreThreshold, double nmsIou,
                                        int maxDets) {
        if (outputs.length == 0) {
            throw new IllegalArgumentException("a yolox model gives one output per level; this one gave none");
        }
        for (long[] shape : shapes) {
            if (shape.length != 4 || shape[1] != 5L + classes || shape[0] != shapes[0][0]) {
                throw new IllegalArgumentException("a yolox output is [N, 5 + " + classes + " classes, H, W]; this one is "
                        + Arrays.toString(shape));
            }
        }
        int n = (int) shapes[0][0];
        List<List<Detection>> result = new ArrayList<>();
        for (int image = 0; image < n; image++) {
            List<Detection> candidates = new ArrayList<>();
            for (int level = 0; level < outputs.length; level++) {
                collect(outputs[level], shapes[level], image, scoreThreshold, candidates);
            }
            result.add(Nms.apply(candidates, nmsIou, maxDets));
        }
        return result;
    }

    private void collect(float[] out, long[] shape, int image, double scoreThreshold, List<Detection> candidates) {
        int h = (int) shape[2];
        int w = (int) shape[3];
        int plane = h * w;
        float strideX = (float) inputWidth / w;
        float strideY = (float) inputHeight / h;
        int base = image * (5 + classes) * plane;
        float objectnessFloor = Sigmoid.logitBelow(scoreThreshold);
        for (int cell = 0; cell < plane; cell++) {
            float logit = out[base + 4 * plane + cell];
            if (logit < objectnessFloor) {
                continue;   // most cells: no exp for them
            }
            float objectness = Sigmoid.of(logit);
            if (objectness < scoreThreshold) {
                continue;   // score = objectness x class probability <= objectness
            }
            int best = BestClass.of(out, base + 5 * plane + cell, plane, classes);
            float score = objectness * Sigmoid.of(out[base + (5 + best) * plane + cell]);
            if (score < scoreThreshold) {
                continue;
            }
            float cx = (out[base + cell] + cell % w) * strideX;
            float cy = (out[base + plane + cell] + cell / w) * strideY;
            float bw = (float) Math.exp(out[base + 2 * plane + cell]) * strideX;
            float bh = (float) Math.exp(out[base + 3 * plane + cell]) * strideY;
            candidates.add(new Detection(cx - bw / 2, cy - bh / 2, cx + bw / 2, cy + bh / 2, score, best));
        }
    }

    @Override
    public int classes() {
        return classes;
    }
}
