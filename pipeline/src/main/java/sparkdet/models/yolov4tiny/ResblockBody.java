package sparkdet.models.yolov4tiny;

import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;
import sparkdet.model.Ops;

/**
 * A CSPDarknet53-tiny stage: a 3x3 conv, the second half of its channels through two 3x3 convs,
 * both joined by a 1x1 conv (the stage's feature), then the stage input route and that feature
 * concatenated and max-pooled by 2.
 */
final class ResblockBody extends Module {
    private final BasicConv conv1;
    private final BasicConv conv2;
    private final BasicConv conv3;
    private final BasicConv conv4;

    ResblockBody(long in, long out) {
        conv1 = register_module("conv1", new BasicConv(in, out, 3));
        conv2 = register_module("conv2", new BasicConv(out / 2, out / 2, 3));
        conv3 = register_module("conv3", new BasicConv(out / 2, out / 2, 3));
        conv4 = register_module("conv4", new BasicConv(out, out, 1));
    }

    /** @return {pooled output, feature before pooling} */
    Tensor[] forward(Tensor x) {
        Tensor route = conv1.forward(x);
        long half = route.size(1) / 2;
        Tensor a = conv2.forward(Ops.narrow(route, 1, half, half));
        Tensor b = conv3.forward(a);
        Tensor feat = conv4.forward(Ops.cat(1, b, a));
        Tensor pooled = Ops.maxPool2d(Ops.cat(1, route, feat), 2, 2, 0, false);
        return new Tensor[] {pooled, feat};
    }

    void fuseBatchNorm() {
        for (BasicConv c : new BasicConv[] {conv1, conv2, conv3, conv4}) {
            c.fuseBatchNorm();
        }
    }
}
