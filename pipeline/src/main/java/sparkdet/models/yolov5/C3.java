package sparkdet.models.yolov5;

import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import sparkdet.models.yolo.Block;

/**
 * The reference's C3 (CSP bottleneck with three convolutions): half the output channels through
 * cv1 then n Bottlenecks (the nn.Sequential m, children m.0 .. m.{n-1}), half through cv2, both
 * joined by the 1x1 cv3.
 */
final class C3 extends Block {
    private final Conv cv1;
    private final Conv cv2;
    private final Conv cv3;
    /** held although forward never calls it: libtorch calls back into the Java peer of every module */
    private final Module m;
    private final Bottleneck[] bottlenecks;

    C3(long in, long out, int n, boolean shortcut) {
        long hidden = out / 2;
        cv1 = register_module("cv1", new Conv(in, hidden, 1));
        cv2 = register_module("cv2", new Conv(in, hidden, 1));
        cv3 = register_module("cv3", new Conv(2 * hidden, out, 1));
        m = register_module("m", new Module());
        bottlenecks = new Bottleneck[n];
        for (int i = 0; i < n; i++) {
            bottlenecks[i] = m.register_module(Integer.toString(i), new Bottleneck(hidden, shortcut));
        }
    }

    @Override
    public Tensor forward(Tensor x) {
        Tensor y = cv1.forward(x);
        for (Bottleneck b : bottlenecks) {
            y = b.forward(y);
        }
        return cv3.forward(torch.cat(new TensorVector(y, cv2.forward(x)), 1));
    }

    @Override
    public void fuseBatchNorm() {
        cv1.fuseBatchNorm();
        cv2.fuseBatchNorm();
        cv3.fuseBatchNorm();
        for (Bottleneck b : bottlenecks) {
            b.fuseBatchNorm();
        }
    }
}
