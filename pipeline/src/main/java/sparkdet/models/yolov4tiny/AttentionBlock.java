package sparkdet.models.yolov4tiny;

import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;

/**
 * An attention block of yolov4-tiny-pytorch's nets/attention.py: the input reweighted by channel,
 * position or both, same shape out. YoloBody puts one on feat1, feat2 and the upsampled P5 for
 * phi 1-4 ({@link Attention}).
 */
abstract class AttentionBlock extends Module {
    abstract Tensor forward(Tensor x);

    /** a reduced channel count of the blocks' bottlenecks: channels // ratio as there, at least 1 at small widths */
    static long reduced(long channels, int ratio) {
        return Math.max(1, channels / ratio);
    }
}
