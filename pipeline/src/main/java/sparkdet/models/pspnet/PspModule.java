package sparkdet.models.pspnet;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.pytorch.Dropout2dImpl;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;
import sparkdet.model.Ops;
import sparkdet.models.segmentation.ConvBatchNorm.Activation;
import sparkdet.models.segmentation.ConvBatchNorm;
import sparkdet.models.segmentation.ConvSpec;
import sparkdet.models.segmentation.SegmentationNetwork;

/**
 * nets/pspnet.py's _PSPModule: the pyramid pooling. Each of the stages (pool sizes 1, 2, 3 and 6) is
 * an nn.Sequential of an adaptive average pool (index 0, no state), a 1x1 convolution to a quarter
 * of the channels (1) with its batch norm (2) and ReLU, resized bilinearly back; the features and
 * the four stages concatenated go through bottleneck (3x3 convolution, batch norm, ReLU, Dropout2d
 * 0.1 at index 3).
 */
final class PspModule extends Module {
    private static final long[] POOL_SIZES = {1, 2, 3, 6};

    /** the ModuleList stages, its nn.Sequentials and bottleneck, held since libtorch calls back into every module's Java peer */
    private final Module stageList;
    private final List<Module> stageSequentials = new ArrayList<>();
    private final Module bottleneckSequential;
    private final List<ConvBatchNorm> stages = new ArrayList<>();
    private final ConvBatchNorm bottleneck;
    private final Dropout2dImpl dropout;

    PspModule(long in) {
        long out = outChannels(in);
        stageList = register_module("stages", new Module());
        for (int i = 0; i < POOL_SIZES.length; i++) {
            Module stage = stageList.register_module(String.valueOf(i), new Module());
            stageSequentials.add(stage);
            stages.add(new ConvBatchNorm(stage, "1", "2", ConvSpec.of(in, out, 1), Activation.RELU));
        }
        bottleneckSequential = register_module("bottleneck", new Module());
        bottleneck = new ConvBatchNorm(bottleneckSequential, "0", "1", ConvSpec.of(in + out * POOL_SIZES.length, out, 3),
                Activation.RELU);
        dropout = bottleneckSequential.register_module("3", new Dropout2dImpl(0.1));
    }

    /** a quarter of the input's: each stage's and the bottleneck's */
    static long outChannels(long in) {
        return in / POOL_SIZES.length;
    }

    Tensor forward(Tensor features) {
        long h = features.size(2);
        long w = features.size(3);
        Tensor[] pyramids = new Tensor[POOL_SIZES.length + 1];
        pyramids[0] = features;
        for (int i = 0; i < POOL_SIZES.length; i++) {
            Tensor pooled = Ops.adaptiveAvgPool2d(features, POOL_SIZES[i]);
            pyramids[i + 1] = SegmentationNetwork.resize(stages.get(i).forward(pooled), h, w);
        }
        return Ops.dropout(dropout, bottleneck.forward(Ops.cat(1, pyramids)));
    }

    void fuseBatchNorm() {
        stages.forEach(ConvBatchNorm::fuseBatchNorm);
        bottleneck.fuseBatchNorm();
    }
}
