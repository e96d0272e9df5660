package sparkdet.models.deeplabv3plus;

import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;
import sparkdet.model.Ops;
import sparkdet.models.segmentation.ConvBatchNorm.Activation;
import sparkdet.models.segmentation.ConvBatchNorm;
import sparkdet.models.segmentation.ConvSpec;

/**
 * nets/xception.py's Block: three separable convolutions (sepconv1..3, ReLU first; the last one
 * strided) added to the input, through a 1x1 convolution with its batch norm (skip, skipbn) where
 * channels or stride change. Where the input is added as it is, the reference's sepconv1 applies
 * its ReLU in place on that very tensor, so the block adds relu(input): kept here, since its .pth
 * files were trained so.
 */
final class XceptionBlock extends Module {
    private final ConvBatchNorm skip;
    private final SeparableConv2d sepconv1;
    private final SeparableConv2d sepconv2;
    private final SeparableConv2d sepconv3;

    /**
     * @param dilation the dilation of the three separable convolutions (the reference's atrous)
     * @param growFirst whether sepconv1 already widens to {@code out} (else sepconv2 does)
     */
    XceptionBlock(long in, long out, long stride, long dilation, boolean growFirst) {
        skip = in != out || stride != 1 ? new ConvBatchNorm(this, "skip", "skipbn", ConvSpec.of(in, out, 1)
                .withStride(stride), Xception.BN_MOMENTUM, Activation.NONE) : null;
        long filters = growFirst ? out : in;
        sepconv1 = register_module("sepconv1", new SeparableConv2d(in, filters, 1, dilation, true));
        sepconv2 = register_module("sepconv2", new SeparableConv2d(filters, out, 1, dilation, true));
        sepconv3 = register_module("sepconv3", new SeparableConv2d(out, out, stride, dilation, true));
    }

    XceptionBlock(long in, long out, long stride) {
        this(in, out, stride, 1, true);
    }

    /**
     * @return {the block's output, sepconv2's output} (the second is block2's hook_layer, which the
     *     reference keeps as DeepLabv3+'s low-level features)
     */
    Tensor[] forward(Tensor x) {
        Tensor residual = skip != null ? skip.forward(x) : Ops.relu(x);
        Tensor middle = sepconv2.forward(sepconv1.forward(x));
        return new Tensor[] {Ops.add(sepconv3.forward(middle), residual), middle};
    }

    void fuseBatchNorm() {
        if (skip != null) {
            skip.fuseBatchNorm();
        }
        sepconv1.fuseBatchNorm();
        sepconv2.fuseBatchNorm();
        sepconv3.fuseBatchNorm();
    }
}
