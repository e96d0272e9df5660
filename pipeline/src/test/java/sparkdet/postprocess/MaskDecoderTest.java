package sparkdet.postprocess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;
import org.junit.jupiter.api.Test;
import sparkdet.image.LabelMap;
import sparkdet.image.OpenCv;
import sparkdet.transforms.Placement;

class MaskDecoderTest {
    /**
     * The reference: softmax over the classes, the picture's part cut out, cv2.resize(INTER_LINEAR) of
     * the probabilities to the picture's size, argmax. OpenCV does the resize here on the same floats.
     */
    @Test
    void decodesAsTheReferenceResizesItsProbabilities() {
        int classes = 5;
        int side = 24;
        float[] logits = smoothLogits(2, classes, side, new Random(7));
        long[] shape = {2, classes, side, side};
        MaskDecoder decoder = new MaskDecoder(classes);
        // picture 1 of the batch: 37x22 letterboxed into 24x24 as 24x14 at y offset 5
        Placement at = new Placement(37, 22, 24.0 / 37, 24, 14, 0, 5);
        LabelMap map = decoder.decode(logits, shape, 1, at);
        int[] expected = referenceArgmax(logits, 1, classes, side, at);
        int differing = 0;
        for (int i = 0; i < expected.length; i++) {
            differing += expected[i] == (map.pixels()[i] & 0xFF) ? 0 : 1;
        }
        assertThat(map.width()).isEqualTo(37);
        assertThat(map.height()).isEqualTo(22);
        // OpenCV's float resize rounds its weights to float; a tie of two classes may go either way
        assertThat(differing).isLessThanOrEqualTo(2);
        assertThat(java.util.Arrays.stream(expected).distinct().count()).isGreaterThan(2);
    }

    @Test
    void refusesOutputsOfAnotherShape() {
        MaskDecoder decoder = new MaskDecoder(3);
        assertThatThrownBy(() -> decoder.decode(new float[4 * 8 * 8], new long[] {1, 4, 8, 8}, 0,
                new Placement(8, 8, 1, 8, 8, 0, 0))).hasMessageContaining("[N, 3, H, W]");
        assertThatThrownBy(() -> decoder.decode(new float[3 * 8 * 8], new long[] {1, 3, 8, 8}, 0,
                new Placement(8, 8, 1, 8, 8, 2, 0))).hasMessageContaining("outside");
    }

    /** logits that vary smoothly, so that classes form regions as a network's do */
    private static float[] smoothLogits(int n, int classes, int side, Random random) {
        float[] out = new float[n * classes * side * side];
        for (int b = 0; b < n; b++) {
            for (int c = 0; c < classes; c++) {
                double fx = random.nextDouble() * 0.6;
                double fy = random.nextDouble() * 0.6;
                double phase = random.nextDouble() * 6;
                for (int y = 0; y < side; y++) {
                    for (int x = 0; x < side; x++) {
                        out[((b * classes + c) * side + y) * side + x] = (float) (3 * Math.sin(fx * x + fy * y + phase));
                    }
                }
            }
        }
        return out;
    }

    private static int[] referenceArgmax(float[] logits, int image, int classes, int side, Placement at) {
        OpenCv.load();
        int cw = at.contentWidth();
        int ch = at.contentHeight();
        float[] probabilities = new float[cw * ch * classes];
        for (int y = 0; y < ch; y++) {
            for (int x = 0; x < cw; x++) {
                double sum = 0;
                double[] e = new double[classes];
                for (int c = 0; c < classes; c++) {
                    e[c] = Math.exp(logits[((image * classes + c) * side + y + at.offsetY()) * side + x + at.offsetX()]);
                    sum += e[c];
                }
                for (int c = 0; c < classes; c++) {
                    probabilities[(y * cw + x) * classes + c] = (float) (e[c] / sum);
                }
            }
        }
        try (PointerScope scope = new PointerScope()) {
            Mat src = new Mat(ch, cw, opencv_core.CV_32FC(classes), new FloatPointer(probabilities));
            Mat dst = new Mat();
            opencv_imgproc.resize(src, dst, new Size(at.sourceWidth(), at.sourceHeight()), 0, 0, opencv_imgproc.INTER_LINEAR);
            float[] resized = new float[at.sourceWidth() * at.sourceHeight() * classes];
            new FloatPointer(dst.data()).get(resized);
            int[] argmax = new int[at.sourceWidth() * at.sourceHeight()];
            for (int p = 0; p < argmax.length; p++) {
                int best = 0;
                for (int c = 1; c < classes; c++) {
                    if (resized[p * classes + c] > resized[p * classes + best]) {
                        best = c;
                    }
                }
                argmax[p] = best;
            }
            return argmax;
        }
    }
}
