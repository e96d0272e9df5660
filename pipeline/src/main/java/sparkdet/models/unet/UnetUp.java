package sparkdet.models.unet;

import org.bytedeco.pytorch.Conv2dImpl;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;
import sparkdet.model.Ops;

/**
 * unet-pytorch's unetUp: the deeper feature upsampled 2x (bilinear, aligned corners) after the skip
 * feature on the channels, then conv1 and conv2 (3x3 with bias), each followed by ReLU.
 */
final class UnetUp extends Module {
    private final Conv2dImpl conv1;
    private final Conv2dImpl conv2;

    UnetUp(long in, long out) {
        conv1 = register_module("conv1", Layers.conv3x3(in, out));
        conv2 = register_module("conv2", Layers.conv3x3(out, out));
    }

    /**
     * @param skip the encoder's feature at this level
     * @param deeper the output of the level below, half the height and width
     */
    Tensor forward(Tensor skip, Tensor deeper) {
        Tensor x = Ops.cat(1, skip, Layers.upsample(deeper));
        return Ops.reluInPlace(Ops.conv(conv2, Ops.reluInPlace(Ops.conv(conv1, x))));
    }
}
