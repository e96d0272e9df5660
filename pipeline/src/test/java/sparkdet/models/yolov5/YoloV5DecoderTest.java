package sparkdet.models.yolov5;

import sparkdet.models.yolo.YoloAnchorDecoder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import sparkdet.postprocess.Detection;

/**
 * The decoder on constant heads worked out by hand: 64 x 64 input, the reference's anchors and mask,
 * 2 classes (channels per anchor: tx, ty, tw, th, objectness, class 0, class 1), two images. Every
 * value is -10 (objectness sigmoid 4.5e-5: nothing) except three cells of image 0. With
 * sigmoid(0) = 1/2, sigmoid(ln 3) = 3/4, sigmoid(-ln 3) = 1/4, sigmoid(ln 4) = 4/5, sigmoid(ln 9) = 9/10:
 */
class YoloV5DecoderTest {
    private static final float LN3 = (float) Math.log(3);
    private static final float LN4 = (float) Math.log(4);
    private static final float LN9 = (float) Math.log(9);
    private static final int PER = 7;

    @Test
    void constantHeadsDecodeToTheBoxesWorkedOutByHand() {
        long[][] shapes = {{2, 21, 2, 2}, {2, 21, 4, 4}, {2, 21, 8, 8}};
        float[][] heads = new float[3][];
        for (int s = 0; s < 3; s++) {
            heads[s] = new float[(int) (shapes[s][0] * shapes[s][1] * shapes[s][2] * shapes[s][3])];
            Arrays.fill(heads[s], -10);
        }
        // P5 (2 x 2, stride 32), anchor slot 0 = anchor 6 (116 x 90), column 0, row 0:
        //   cx = (2 * 1/4 - 0.5 + 0) * 32 = 0         w = (2 * 1/4)^2 * 116 = 29
        //   cy = (2 * 3/4 - 0.5 + 0) * 32 = 32        h = (2 * 1/2)^2 * 90 = 90
        //   score = 9/10 (objectness ln 9) * 9/10 (class 0 ln 9; class 1 at 0 gives 1/2) = 0.81, class 0
        //   -> (-14.5, -13, 14.5, 77)
        set(heads[0], shapes[0], 0, 0, 0, 0, -LN3, LN3, -LN3, 0, LN9, LN9, 0);
        // P4 (4 x 4, stride 16), anchor slot 1 = anchor 4 (62 x 45), column 2, row 1:
        //   cx = (2 * 1/2 - 0.5 + 2) * 16 = 40        w = (2 * 1/2)^2 * 62 = 62
        //   cy = (2 * 1/2 - 0.5 + 1) * 16 = 24        h = (2 * 3/4)^2 * 45 = 101.25
        //   score = 4/5 * 9/10 (class 1) = 0.72, class 1 -> (9, -26.625, 71, 74.625)
        set(heads[1], shapes[1], 0, 1, 1, 2, 0, 0, 0, LN3, LN4, 0, LN9);
        // P3 (8 x 8, stride 8), anchor slot 2, column 5, row 5: score 1/2 * 1/2 = 0.25, under the threshold 0.3
        set(heads[2], shapes[2], 0, 2, 5, 5, 0, 0, 0, 0, 0, 0, 0);

        YoloAnchorDecoder decoder = new YoloAnchorDecoder(YoloAnchorDecoder.BoxForm.YOLOV5,
                YoloV5Loss.defaultAnchors(), YoloV5Loss.defaultMask(), 2, 64, 64);
        List<List<Detection>> out = decoder.decode(heads, shapes, 0.3, 0.3, 100);

        assertThat(out).hasSize(2);
        assertThat(out.get(1)).isEmpty();
        List<Detection> boxes = out.get(0);
        assertThat(boxes).hasSize(2);
        expect(boxes.get(0), -14.5f, -13, 14.5f, 77, 0.81f, 0);
        expect(boxes.get(1), 9, -26.625f, 71, 74.625f, 0.72f, 1);
        // the threshold is inclusive, as the reference's conf_mask (>=): 0.25 passes 0.25
        assertThat(decoder.decode(heads, shapes, 0.25 - 1e-6, 0.3, 100).get(0)).hasSize(3);
    }

    private static void set(float[] head, long[] shape, int image, int slot, int row, int column, float... values) {
        int h = (int) shape[2];
        int w = (int) shape[3];
        for (int k = 0; k < PER; k++) {
            int channel = slot * PER + k;
            head[(int) (((image * shape[1] + channel) * h + row) * w + column)] = values[k];
        }
    }

    private static void expect(Detection d, float x1, float y1, float x2, float y2, float score, int cls) {
        assertThat(d.classIndex()).isEqualTo(cls);
        assertThat(d.score()).isCloseTo(score, within(1e-5f));
        assertThat(d.x1()).isCloseTo(x1, within(1e-3f));
        assertThat(d.y1()).isCloseTo(y1, within(1e-3f));
        assertThat(d.x2()).isCloseTo(x2, within(1e-3f));
        assertThat(d.y2()).isCloseTo(y2, within(1e-3f));
    }
}
