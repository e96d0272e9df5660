package sparkdet.models.pspnet;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;
import sparkdet.model.Ops;
import sparkdet.models.segmentation.Backbone;
import sparkdet.models.segmentation.ConvBatchNorm.Activation;
import sparkdet.models.segmentation.ConvBatchNorm;
import sparkdet.models.segmentation.ConvSpec;

/**
 * The ResNet-50 backbone of pspnet-pytorch (nets/pspnet.py's Resnet over nets/resnet.py): the deep
 * stem of three 3x3 convolutions (conv1 stride 2 / bn1, conv2 / bn2, conv3 to 128 channels / bn3,
 * with ReLUs) and a 3x3 stride-2 max pool, then layer1..layer4 of 3, 4, 6 and 3 bottlenecks; layer3
 * and layer4 dilated instead of strided to a downsample factor of 8 (dilate 2 and 4) or 16 (layer4,
 * dilate 2). The shallower features are layer3's (1024 channels, PSPNet's auxiliary input), the last
 * layer4's (2048).
 */
final class ResNet50 extends Backbone {
    private static final long STEM_CHANNELS = 64;
    private static final long[] PLANES = {64, 128, 256, 512};
    private static final int[] BLOCKS = {3, 4, 6, 3};
    private static final long[] STRIDES = {1, 2, 2, 2};

    private final ConvBatchNorm conv1;
    private final ConvBatchNorm conv2;
    private final ConvBatchNorm conv3;
    /** the nn.Sequentials layer1..layer4, held since libtorch calls back into every module's Java peer */
    private final List<Module> layers = new ArrayList<>();
    private final List<List<Bottleneck>> blocks = new ArrayList<>();

    ResNet50(int downsampleFactor) {
        conv1 = new ConvBatchNorm(this, "conv1", "bn1", ConvSpec.of(3, STEM_CHANNELS, 3).withStride(2), Activation.RELU);
        conv2 = new ConvBatchNorm(this, "conv2", "bn2", ConvSpec.of(STEM_CHANNELS, STEM_CHANNELS, 3), Activation.RELU);
        long in = 2 * STEM_CHANNELS;
        conv3 = new ConvBatchNorm(this, "conv3", "bn3", ConvSpec.of(STEM_CHANNELS, in, 3), Activation.RELU);
        long[] dilate = downsampleFactor == 8 ? new long[] {1, 1, 2, 4} : new long[] {1, 1, 1, 2};
        for (int l = 0; l < PLANES.length; l++) {
            Module layer = register_module("layer" + (l + 1), new Module());
            List<Bottleneck> stage = new ArrayList<>();
            for (int b = 0; b < BLOCKS[l]; b++) {
                stage.add(layer.register_module(String.valueOf(b),
                        new Bottleneck(in, PLANES[l], b == 0 ? STRIDES[l] : 1, dilate[l])));
                in = PLANES[l] * Bottleneck.EXPANSION;
            }
            layers.add(layer);
            blocks.add(stage);
        }
    }

    @Override
    public Tensor[] forward(Tensor x) {
        Tensor y = conv3.forward(conv2.forward(conv1.forward(x)));
        y = Ops.maxPool2d(y, 3, 2, 1, false);
        Tensor[] outputs = new Tensor[blocks.size()];
        for (int l = 0; l < blocks.size(); l++) {
            for (Bottleneck block : blocks.get(l)) {
                y = block.forward(y);
            }
            outputs[l] = y;
        }
        return new Tensor[] {outputs[2], outputs[3]};
    }

    @Override
    public long shallowChannels() {
        return PLANES[2] * Bottleneck.EXPANSION;
    }

    @Override
    public long deepChannels() {
        return PLANES[3] * Bottleneck.EXPANSION;
    }

    @Override
    public void fuseBatchNorm() {
        conv1.fuseBatchNorm();
        conv2.fuseBatchNorm();
        conv3.fuseBatchNorm();
        blocks.forEach(stage -> stage.forEach(Bottleneck::fuseBatchNorm));
    }
}
