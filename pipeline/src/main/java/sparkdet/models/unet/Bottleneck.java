package sparkdet.models.unet;

import java.util.Optional;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;
import sparkdet.model.Ops;
import sparkdet.models.yolo.ConvBn;

/**
 * torchvision's ResNet bottleneck as nets/resnet.py writes it: conv1 (1x1) + bn1, conv2 (3x3, the
 * stride) + bn2, conv3 (1x1, 4 x planes) + bn3, ReLU after the first two and after the sum with the
 * identity, which a {@code downsample} Sequential (a strided 1x1 convolution "0" and batch norm "1")
 * projects where the shape changes. The convolutions have no bias, so each batch norm folds into
 * its convolution ({@link ConvBn}).
 */
final class Bottleneck extends Module {
    static final long EXPANSION = 4;

    private final ConvBn reduce;
    private final ConvBn spatial;
    private final ConvBn expand;
    /** held although forward never calls it: libtorch calls back into the Java peer of every module */
    private final Optional<Module> downsampleSequential;
    private final Optional<ConvBn> downsample;

    Bottleneck(long in, long planes, long stride) {
        reduce = new ConvBn(this, "conv1", "bn1", in, planes, 1, 1);
        spatial = new ConvBn(this, "conv2", "bn2", planes, planes, 3, stride);
        expand = new ConvBn(this, "conv3", "bn3", planes, planes * EXPANSION, 1, 1);
        boolean projects = stride != 1 || in != planes * EXPANSION;
        downsampleSequential = projects ? Optional.of(register_module("downsample", new Module())) : Optional.empty();
        downsample = downsampleSequential.map(s -> new ConvBn(s, "0", "1", in, planes * EXPANSION, 1, stride));
    }

    Tensor forward(Tensor x) {
        boolean training = is_training();
        Tensor out = Ops.reluInPlace(reduce.forward(x, training));
        out = Ops.reluInPlace(spatial.forward(out, training));
        out = expand.forward(out, training);
        Tensor identity = downsample.isPresent() ? downsample.get().forward(x, training) : x;
        return Ops.reluInPlace(Ops.addInPlace(out, identity));
    }

    void fuseBatchNorm() {
        reduce.fuseBatchNorm();
        spatial.fuseBatchNorm();
        expand.fuseBatchNorm();
        downsample.ifPresent(ConvBn::fuseBatchNorm);
    }
}
