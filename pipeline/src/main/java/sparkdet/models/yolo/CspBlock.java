package sparkdet.models.yolo;

import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;
import sparkdet.model.Ops;

/**
 * The CSP block of YOLOv5 (C3, a CSP bottleneck with three convolutions) and YOLOX (CSPLayer), one
 * block under the names of each reference ({@link CspParts}): half the output channels through the
 * 1x1 cv1 / conv1 then n {@link Bottleneck}s (the nn.Sequential m, children m.0 .. m.{n-1}), half
 * through the 1x1 cv2 / conv2, both joined by the 1x1 cv3 / conv3. The children are registered in
 * the references' order, which is the order weights_init draws in.
 */
public final class CspBlock extends Block {
    private final Block first;
    private final Block second;
    private final Block join;
    /** held although forward never calls it: libtorch calls back into the Java peer of every module */
    private final Module m;
    private final Bottleneck[] bottlenecks;

    /** @param n how many bottlenecks */
    public CspBlock(CspParts parts, long in, long out, int n, boolean shortcut) {
        long hidden = out / 2;
        first = register_module(parts.name(1), parts.pointwise().of(in, hidden));
        second = register_module(parts.name(2), parts.pointwise().of(in, hidden));
        join = register_module(parts.name(3), parts.pointwise().of(2 * hidden, out));
        m = register_module("m", new Module());
        bottlenecks = new Bottleneck[n];
        for (int i = 0; i < n; i++) {
            bottlenecks[i] = m.register_module(Integer.toString(i), new Bottleneck(parts, hidden, shortcut));
        }
    }

    @Override
    public Tensor forward(Tensor x) {
        Tensor y = first.forward(x);
        for (Bottleneck b : bottlenecks) {
            y = b.forward(y);
        }
        return join.forward(Ops.cat(1, y, second.forward(x)));
    }

    @Override
    public void fuseBatchNorm() {
        first.fuseBatchNorm();
        second.fuseBatchNorm();
        join.fuseBatchNorm();
        for (Bottleneck b : bottlenecks) {
            b.fuseBatchNorm();
        }
    }
}
