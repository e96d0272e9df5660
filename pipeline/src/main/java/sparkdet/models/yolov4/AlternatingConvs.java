package sparkdet.models.yolov4;

import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;
import sparkdet.models.yolo.ConvSet;

/**
 * nets/yolo.py's make_three_conv and make_five_conv: an nn.Sequential "0".."n-1" of conv sets
 * alternating 1x1 to {@code narrow} and 3x3 to {@code wide} channels, the last a 1x1 to narrow.
 */
final class AlternatingConvs extends Module {
    private final ConvSet[] sets;

    AlternatingConvs(long in, long narrow, long wide, int count) {
        sets = new ConvSet[count];
        for (int i = 0; i < count; i++) {
            boolean pointwise = i % 2 == 0;
            long from = i == 0 ? in : pointwise ? wide : narrow;
            sets[i] = register_module(Integer.toString(i), new ConvSet(from, pointwise ? narrow : wide, pointwise ? 1 : 3));
        }
    }

    Tensor forward(Tensor x) {
        for (ConvSet s : sets) {
            x = s.forward(x);
        }
        return x;
    }

    void fuseBatchNorm() {
        for (ConvSet s : sets) {
            s.fuseBatchNorm();
        }
    }
}
