package sparkdet.models.yolov3;

import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.pytorch.Conv2dImpl;
import org.bytedeco.pytorch.Conv2dOptions;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;
import sparkdet.model.Ops;
import sparkdet.models.yolo.ConvSet;

/**
 * nets/yolo.py's make_last_layers, an nn.Sequential "0".."6": five ConvSets alternating 1x1 to
 * {@code narrow} and 3x3 to {@code wide} channels (the branch the next scale takes), a 3x3 ConvSet
 * and a 1x1 conv with bias to anchors * (5 + classes) channels (the head).
 */
final class LastLayers extends Module {
    private final ConvSet[] sets = new ConvSet[6];
    private final Conv2dImpl output;

    LastLayers(long in, long narrow, long wide, long out) {
        for (int i = 0; i < 6; i++) {
            long from = i == 0 ? in : i % 2 == 1 ? narrow : wide;
            sets[i] = register_module(Integer.toString(i), new ConvSet(from, i % 2 == 0 ? narrow : wide,
                    i % 2 == 0 ? 1 : 3));
        }
        output = register_module("6", new Conv2dImpl(new Conv2dOptions(wide, out, new LongPointer(1L, 1L))));
    }

    /** last_layerN[:5] */
    Tensor branch(Tensor x) {
        for (int i = 0; i < 5; i++) {
            x = sets[i].forward(x);
        }
        return x;
    }

    /** last_layerN[5:] */
    Tensor head(Tensor branch) {
        return Ops.conv(output, sets[5].forward(branch));
    }

    void fuseBatchNorm() {
        for (ConvSet s : sets) {
            s.fuseBatchNorm();
        }
    }
}
