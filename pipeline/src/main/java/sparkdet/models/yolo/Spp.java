package sparkdet.models.yolo;

import org.bytedeco.pytorch.Tensor;
import sparkdet.model.Ops;

/**
 * The spatial pyramid pooling of YOLOv5 (SPP; this version has SPP, not Ultralytics' SPPF) and
 * YOLOX (SPPBottleneck), one block under the names of each reference ({@link CspParts}): the 1x1
 * cv1 / conv1 to half the channels, that and its max-pools of 5, 9 and 13 (stride 1, same size)
 * concatenated, the 1x1 cv2 / conv2. The references differ only in where they register the pools
 * (ModuleList m: after cv2 in YOLOv5, between conv1 and conv2 in YOLOX); the pools hold no state
 * and are not modules here, so that changes no parameter name or order.
 */
public final class Spp extends Block {
    private static final long[] KERNELS = {5, 9, 13};
    private final Block first;
    private final Block second;

    public Spp(CspParts parts, long in, long out) {
        long hidden = in / 2;
        first = register_module(parts.name(1), parts.pointwise().of(in, hidden));
        second = register_module(parts.name(2), parts.pointwise().of(hidden * (KERNELS.length + 1), out));
    }

    @Override
    public Tensor forward(Tensor x) {
        Tensor y = first.forward(x);
        Tensor[] parts = new Tensor[KERNELS.length + 1];
        parts[0] = y;
        for (int i = 0; i < KERNELS.length; i++) {
            parts[i + 1] = Ops.maxPool2d(y, KERNELS[i], 1, KERNELS[i] / 2, false);
        }
        return second.forward(Ops.cat(1, parts));
    }

    @Override
    public void fuseBatchNorm() {
        first.fuseBatchNorm();
        second.fuseBatchNorm();
    }
}
