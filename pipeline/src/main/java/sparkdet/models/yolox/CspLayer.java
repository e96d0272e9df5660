package sparkdet.models.yolox;

import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import sparkdet.models.yolo.Block;

/**
 * The reference's CSPLayer: half the output channels through conv1 then n Bottlenecks (the
 * nn.Sequential m, children m.0 .. m.{n-1}), half through conv2, both joined by the 1x1 conv3.
 */
final class CspLayer extends Block {
    private final BaseConv conv1;
    private final BaseConv conv2;
    private final BaseConv conv3;
    /** held although forward never calls it: libtorch calls back into the Java peer of every module */
    private final Module m;
    private final Bottleneck[] bottlenecks;

    CspLayer(long in, long out, int n, boolean shortcut, boolean depthwise) {
        long hidden = out / 2;
        conv1 = register_module("conv1", new BaseConv(in, hidden, 1, 1));
        conv2 = register_module("conv2", new BaseConv(in, hidden, 1, 1));
        conv3 = register_module("conv3", new BaseConv(2 * hidden, out, 1, 1));
        m = register_module("m", new Module());
        bottlenecks = new Bottleneck[n];
        for (int i = 0; i < n; i++) {
            bottlenecks[i] = m.register_module(Integer.toString(i), new Bottleneck(hidden, shortcut, depthwise));
        }
    }

    @Override
    public Tensor forward(Tensor x) {
        Tensor y = conv1.forward(x);
        for (Bottleneck b : bottlenecks) {
            y = b.forward(y);
        }
        return conv3.forward(torch.cat(new TensorVector(y, conv2.forward(x)), 1));
    }

    @Override
    public void fuseBatchNorm() {
        conv1.fuseBatchNorm();
        conv2.fuseBatchNorm();
        conv3.fuseBatchNorm();
        for (Bottleneck b : bottlenecks) {
            b.fuseBatchNorm();
        }
    }
}
