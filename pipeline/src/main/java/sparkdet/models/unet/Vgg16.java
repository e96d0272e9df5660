package sparkdet.models.unet;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.pytorch.Conv2dImpl;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;
import sparkdet.model.Ops;

/**
 * unet-pytorch's VGG16 (nets/vgg.py, cfg 'D' without batch norm, classifier deleted): the
 * nn.Sequential {@code features} of 3x3 convolutions with bias and in-place ReLU, a 2x2 max pool
 * before each stage but the first, the last max pool (features[30]) unused. The convolutions keep
 * their Sequential indices as names (features.0, features.2, features.5, ...; the ReLUs and pools
 * between hold no parameters). Stage k's output is feat k: 64, 128, 256, 512 and 512 channels at
 * strides 1, 2, 4, 8 and 16; with sparkdet's width multiplier each scaled ({@link UNet#channels}).
 */
final class Vgg16 extends Encoder {
    private static final long[][] STAGES = {{64, 64}, {128, 128}, {256, 256, 256}, {512, 512, 512}, {512, 512, 512}};

    /** held although forward never calls it: libtorch calls back into the Java peer of every module */
    private final Module sequential;
    private final List<List<Conv2dImpl>> stages = new ArrayList<>();

    Vgg16(double width) {
        sequential = register_module("features", new Module());
        long in = 3;
        int index = 0;
        for (int s = 0; s < STAGES.length; s++) {
            if (s > 0) {
                index++; // the max pool
            }
            List<Conv2dImpl> convs = new ArrayList<>();
            for (long channels : STAGES[s]) {
                long out = UNet.channels(channels, width);
                convs.add(sequential.register_module(Integer.toString(index), Layers.conv3x3(in, out)));
                index += 2; // the convolution and its ReLU
                in = out;
            }
            stages.add(convs);
        }
    }

    @Override
    Tensor[] features(Tensor images) {
        Tensor[] feats = new Tensor[STAGES.length];
        Tensor x = images;
        for (int s = 0; s < STAGES.length; s++) {
            if (s > 0) {
                x = Ops.maxPool2d(x, 2, 2, 0, false);
            }
            for (Conv2dImpl conv : stages.get(s)) {
                x = Ops.reluInPlace(Ops.conv(conv, x));
            }
            feats[s] = x;
        }
        return feats;
    }

    /** VGG16 has no batch norm */
    @Override
    void fuseBatchNorm() {
    }
}
