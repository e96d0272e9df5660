package sparkdet.model;

import java.util.Arrays;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.pytorch.Conv2dImpl;
import org.bytedeco.pytorch.Conv2dOptions;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;

/**
 * A detection head: a 3x3 BasicConv then a 1x1 conv with bias to anchors * (5 + classes) channels.
 * The children are named "0" and "1" because the repositories build it as an nn.Sequential.
 */
final class YoloHead extends Module {
    private static final double PRIOR_OBJECTS = 8;
    private static final double PRIOR_SIDE = 640;
    private static final double PRIOR_CLASS = 0.6;

    private final BasicConv hidden;
    private final Conv2dImpl output;

    YoloHead(long in, long mid, long out) {
        hidden = register_module("0", new BasicConv(in, mid, 3));
        output = register_module("1", new Conv2dImpl(new Conv2dOptions(mid, out, new LongPointer(1L, 1L))));
    }

    /**
     * Starts the output biases at the priors of a detector that has seen nothing yet, as YOLOv5 and
     * RetinaNet do: objectness at about 8 objects per 640 x 640 picture and each class at 0.6 / classes
     * (after the sigmoid). With the framework's near-zero biases every cell starts as half an object,
     * the first steps' objectness loss swamps the rest, and training from scratch can stall with the
     * class loss at chance: measured on 2000 shapes pictures at 160 px (Adam 1e-3, 600 steps), some
     * seeds stalled at mAP 0.04-0.06 where others reached 0.2-0.3; with the priors the stalled seed
     * reached 0.26. Pretrained weights, when loaded, replace these.
     */
    void initPriors(int anchors, int numClasses, int stride) {
        int attributes = 5 + numClasses;
        float[] bias = new float[anchors * attributes];
        float objectness = (float) Math.log(PRIOR_OBJECTS / Math.pow(PRIOR_SIDE / stride, 2));
        float classes = (float) Math.log(PRIOR_CLASS / Math.max(numClasses - 0.99, 0.01));
        for (int a = 0; a < anchors; a++) {
            bias[a * attributes + 4] = objectness;
            Arrays.fill(bias, a * attributes + 5, (a + 1) * attributes, classes);
        }
        try (NoGradGuard noGrad = new NoGradGuard()) {
            output.bias().copy_(Tensor.create(bias));
        }
    }

    Tensor forward(Tensor x) {
        return output.forward(hidden.forward(x));
    }

    void fuseBatchNorm() {
        hidden.fuseBatchNorm();
    }
}
