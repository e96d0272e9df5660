package sparkdet.models.yolox;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import sparkdet.image.PixelFormat;
import sparkdet.image.RgbImage;
import sparkdet.model.RawOutputs;
import sparkdet.model.Targets;
import sparkdet.model.TrainingStep;
import sparkdet.postprocess.Detection;

/**
 * A learning check of the whole family, network, loss and decoder together: the small network
 * fits four pictures of one square each and then finds those squares with their classes, so the
 * loss's box convention and the decoder's agree. Not a benchmark (conf/shapes-yolox.conf is).
 */
class YoloXLearnsTest {
    private static final int SIZE = 64;
    /** per picture one box x1, y1, x2, y2, class: the square drawn there */
    private static final float[][][] BOXES = {{{8, 12, 32, 36, 1}}, {{30, 26, 58, 54, 2}}, {{36, 4, 60, 20, 0}},
        {{4, 40, 20, 60, 2}}};
    private static final int STEPS = 300;
    /** libtorch's default seed, the generator's state in a fresh process */
    private static final long DEFAULT_SEED = 67280421310721L;

    @Test
    void fitsFourPicturesAndFindsTheirSquares() {
        // the initial weights come from libtorch's generator: reseeded, they do not depend on the tests run before
        sparkdet.model.Torch.load();
        org.bytedeco.pytorch.global.torch.manual_seed(DEFAULT_SEED);
        YoloX model = YoloXVariant.S.newModel(3, 0.25);
        TrainingStep step = new TrainingStep(model, new YoloXLoss(3, YoloXOptions.STRIDES, SIZE, SIZE),
                TrainingStep.Kind.ADAM, 1e-3, 0.9, 0);
        float[] images = pictures();
        Targets targets = new Targets(BOXES);
        float first = step.train(images, SIZE, SIZE, targets);
        float last = first;
        for (int i = 0; i < STEPS; i++) {
            last = step.train(images, SIZE, SIZE, targets);
        }
        System.out.printf("loss %.4f -> %.4f after %d steps%n", first, last, STEPS);
        assertThat(last).isLessThan(first / 4);

        RawOutputs out = model.predict(images, BOXES.length, SIZE, SIZE);
        List<List<Detection>> found = new YoloXDecoder(3, SIZE, SIZE).decode(out.values(), out.shapes(), 0.3, 0.45, 10);
        for (int b = 0; b < BOXES.length; b++) {
            float[] box = BOXES[b][0];
            assertThat(found.get(b)).as("picture %d", b).isNotEmpty();
            Detection best = found.get(b).get(0);
            System.out.printf("picture %d: %s (score %.3f)%n", b, best, best.score());
            assertThat(best.classIndex()).isEqualTo((int) box[4]);
            assertThat(iou(best, box)).as("IoU with the drawn square").isGreaterThan(0.5);
        }
    }

    /** dark pictures, each with its box filled in one colour per class, normalised as YOLOX takes them */
    private static float[] pictures() {
        PixelFormat.Table table = YoloXLayout.PIXELS.table();
        float[] out = new float[BOXES.length * 3 * SIZE * SIZE];
        int[][] colours = {{230, 40, 40}, {40, 230, 40}, {40, 40, 230}};
        for (int b = 0; b < BOXES.length; b++) {
            byte[] rgb = new byte[SIZE * SIZE * 3];
            float[] box = BOXES[b][0];
            int[] colour = colours[(int) box[4]];
            for (int y = 0; y < SIZE; y++) {
                for (int x = 0; x < SIZE; x++) {
                    boolean inside = x >= box[0] && x < box[2] && y >= box[1] && y < box[3];
                    for (int c = 0; c < 3; c++) {
                        rgb[3 * (y * SIZE + x) + c] = (byte) (inside ? colour[c] : 20);
                    }
                }
            }
            table.toPlanes(new RgbImage(SIZE, SIZE, rgb), out, b * 3 * SIZE * SIZE);
        }
        return out;
    }

    private static double iou(Detection d, float[] box) {
        double w = Math.max(0, Math.min(d.x2(), box[2]) - Math.max(d.x1(), box[0]));
        double h = Math.max(0, Math.min(d.y2(), box[3]) - Math.max(d.y1(), box[1]));
        double inter = w * h;
        return inter / ((d.x2() - d.x1()) * (d.y2() - d.y1()) + (box[2] - box[0]) * (box[3] - box[1]) - inter);
    }
}
