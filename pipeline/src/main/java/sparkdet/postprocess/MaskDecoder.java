package sparkdet.postprocess;

import sparkdet.image.LabelMap;
import sparkdet.transforms.Placement;

/**
 * A segmentation network's logits [N, C, H, W] to a class map at the picture's own size, as the
 * segmentation repositories' predict and get_miou do it (deeplab.py detect_image /
 * get_miou_png): softmax over the classes, the picture's part of the letterboxed input cut out,
 * the probabilities resized to the original size bilinearly (OpenCV's INTER_LINEAR on floats:
 * pixel centres aligned, edges clamped), then the most probable class per pixel. Every
 * segmentation family and its exports decode alike (the {@code segmentation} layout).
 */
public final class MaskDecoder {
    private final int classes;

    public MaskDecoder(int classes) {
        if (classes < 1 || classes > 255) {
            throw new IllegalArgumentException("a segmentation model scores 1..255 classes, not " + classes);
        }
        this.classes = classes;
    }

    public int classes() {
        return classes;
    }

    /**
     * @param logits the network's first output, row-major [N, C, H, W]
     * @param shape its shape
     * @param image which image of the batch
     * @param at where the picture lies in the network's input, and its own size
     */
    public LabelMap decode(float[] logits, long[] shape, int image, Placement at) {
        if (shape.length != 4 || shape[1] != classes) {
            throw new IllegalArgumentException("a segmentation output is [N, " + classes + ", H, W], not "
                    + java.util.Arrays.toString(shape));
        }
        int h = (int) shape[2];
        int w = (int) shape[3];
        if (at.offsetX() < 0 || at.offsetY() < 0 || at.offsetX() + at.contentWidth() > w
                || at.offsetY() + at.contentHeight() > h) {
            throw new IllegalArgumentException("the picture's place " + at + " lies outside the " + w + "x" + h
                    + " output");
        }
        float[] probabilities = softmaxCrop(logits, image * classes * h * w, w, h, at);
        return resizeArgmax(probabilities, at);
    }

    /** softmax over the classes of the picture's part, laid out pixel by pixel: [cy][cx][class] */
    private float[] softmaxCrop(float[] logits, int base, int w, int h, Placement at) {
        int cw = at.contentWidth();
        int ch = at.contentHeight();
        int plane = w * h;
        float[] out = new float[cw * ch * classes];
        for (int y = 0; y < ch; y++) {
            for (int x = 0; x < cw; x++) {
                int pixel = base + (y + at.offsetY()) * w + x + at.offsetX();
                int o = (y * cw + x) * classes;
                float max = Float.NEGATIVE_INFINITY;
                for (int c = 0; c < classes; c++) {
                    max = Math.max(max, logits[pixel + c * plane]);
                }
                float sum = 0;
                for (int c = 0; c < classes; c++) {
                    float e = (float) Math.exp(logits[pixel + c * plane] - max);
                    out[o + c] = e;
                    sum += e;
                }
                for (int c = 0; c < classes; c++) {
                    out[o + c] /= sum;
                }
            }
        }
        return out;
    }

    /** bilinear resize of the probabilities to the picture's size (OpenCV's rule), keeping only the argmax */
    private LabelMap resizeArgmax(float[] p, Placement at) {
        int cw = at.contentWidth();
        int ch = at.contentHeight();
        int width = at.sourceWidth();
        int height = at.sourceHeight();
        int[] x0 = new int[width];
        int[] x1 = new int[width];
        float[] fx = new float[width];
        axis(cw, width, x0, x1, fx);
        int[] y0 = new int[height];
        int[] y1 = new int[height];
        float[] fy = new float[height];
        axis(ch, height, y0, y1, fy);
        byte[] out = new byte[width * height];
        for (int y = 0; y < height; y++) {
            int top = y0[y] * cw;
            int bottom = y1[y] * cw;
            float wy = fy[y];
            for (int x = 0; x < width; x++) {
                float wx = fx[x];
                int a = (top + x0[x]) * classes;
                int b = (top + x1[x]) * classes;
                int c = (bottom + x0[x]) * classes;
                int d = (bottom + x1[x]) * classes;
                int best = 0;
                float bestValue = Float.NEGATIVE_INFINITY;
                for (int k = 0; k < classes; k++) {
                    float upper = p[a + k] * (1 - wx) + p[b + k] * wx;
                    float lower = p[c + k] * (1 - wx) + p[d + k] * wx;
                    float v = upper * (1 - wy) + lower * wy;
                    // the first of equal maxima, as numpy's argmax
                    if (v > bestValue) {
                        bestValue = v;
                        best = k;
                    }
                }
                out[y * width + x] = (byte) best;
            }
        }
        return new LabelMap(width, height, out);
    }

    /** for each output coordinate, its two source neighbours and the weight of the second */
    private static void axis(int source, int target, int[] lo, int[] hi, float[] weight) {
        double scale = (double) source / target;
        for (int i = 0; i < target; i++) {
            double s = (i + 0.5) * scale - 0.5;
            int s0 = (int) Math.floor(s);
            float f = (float) (s - s0);
            if (s0 < 0) {
                s0 = 0;
                f = 0;
            }
            if (s0 >= source - 1) {
                s0 = source - 1;
                f = 0;
            }
            lo[i] = s0;
            hi[i] = Math.min(s0 + 1, source - 1);
            weight[i] = f;
        }
    }
}
