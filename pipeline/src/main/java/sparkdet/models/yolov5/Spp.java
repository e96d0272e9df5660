package sparkdet.models.yolov5;

import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import sparkdet.models.yolo.Block;

/**
 * The reference's SPP (this version has SPP, not Ultralytics' SPPF): a 1x1 Conv to half the
 * channels, that and its max-pools of 5, 9 and 13 (stride 1, same size) concatenated, a 1x1 Conv.
 * The reference's pools (ModuleList m) hold no state and are not modules here.
 */
final class Spp extends Block {
    private static final long[] KERNELS = {5, 9, 13};
    private final Conv cv1;
    private final Conv cv2;

    Spp(long in, long out) {
        long hidden = in / 2;
        cv1 = register_module("cv1", new Conv(in, hidden, 1));
        cv2 = register_module("cv2", new Conv(hidden * (KERNELS.length + 1), out, 1));
    }

    @Override
    public Tensor forward(Tensor x) {
        Tensor y = cv1.forward(x);
        TensorVector parts = new TensorVector(y);
        for (long k : KERNELS) {
            parts.push_back(torch.max_pool2d(y, new long[] {k, k}, new long[] {1, 1}, new long[] {k / 2, k / 2},
                    new long[] {1, 1}, false));
        }
        return cv2.forward(torch.cat(parts, 1));
    }

    @Override
    public void fuseBatchNorm() {
        cv1.fuseBatchNorm();
        cv2.fuseBatchNorm();
    }
}
