package sparkdet.models.deeplabv3plus;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;
import sparkdet.model.Ops;
import sparkdet.models.segmentation.ConvBatchNorm.Activation;
import sparkdet.models.segmentation.ConvBatchNorm;
import sparkdet.models.segmentation.ConvSpec;
import sparkdet.models.segmentation.SegmentationNetwork;

/**
 * nets/deeplabv3_plus.py's ASPP: four branches over the backbone's last features (branch1 a 1x1
 * convolution, branch2..branch4 3x3 ones dilated 6, 12 and 18 times the rate 16 / downsample factor,
 * each an nn.Sequential of convolution with bias, batch norm and ReLU), a fifth on their global mean
 * (branch5_conv, branch5_bn, ReLU, resized back), concatenated and reduced by conv_cat.
 */
final class Aspp extends Module {
    private static final long[] DILATIONS = {1, 6, 12, 18};

    /** held since libtorch calls back into the Java peer of every module */
    private final List<Module> sequentials = new ArrayList<>();
    private final List<ConvBatchNorm> branches = new ArrayList<>();
    private final ConvBatchNorm globalBranch;
    private final ConvBatchNorm concatenated;

    Aspp(long in, long out, long rate) {
        for (int i = 0; i < DILATIONS.length; i++) {
            ConvSpec spec = (i == 0 ? ConvSpec.of(in, out, 1) : ConvSpec.of(in, out, 3).withDilation(DILATIONS[i] * rate))
                    .withBias();
            branches.add(new ConvBatchNorm(sequential("branch" + (i + 1)), "0", "1", spec, Activation.RELU));
        }
        globalBranch = new ConvBatchNorm(this, "branch5_conv", "branch5_bn", ConvSpec.of(in, out, 1).withBias(),
                Activation.RELU);
        concatenated = new ConvBatchNorm(sequential("conv_cat"), "0", "1",
                ConvSpec.of(out * (DILATIONS.length + 1), out, 1).withBias(), Activation.RELU);
    }

    private Module sequential(String name) {
        Module m = register_module(name, new Module());
        sequentials.add(m);
        return m;
    }

    Tensor forward(Tensor x) {
        Tensor[] parts = new Tensor[branches.size() + 1];
        for (int i = 0; i < branches.size(); i++) {
            parts[i] = branches.get(i).forward(x);
        }
        Tensor global = globalBranch.forward(Ops.meanKeep(x, 2, 3));
        parts[branches.size()] = SegmentationNetwork.resize(global, x.size(2), x.size(3));
        return concatenated.forward(Ops.cat(1, parts));
    }

    void fuseBatchNorm() {
        branches.forEach(ConvBatchNorm::fuseBatchNorm);
        globalBranch.fuseBatchNorm();
        concatenated.fuseBatchNorm();
    }
}
