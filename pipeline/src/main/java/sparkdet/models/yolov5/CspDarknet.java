package sparkdet.models.yolov5;

import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;

/**
 * The reference's CSPDarknet: Focus stem, then dark2..dark5 (each an nn.Sequential: a stride-2 3x3
 * Conv and a C3; dark5 has the SPP between them and a C3 without shortcut). Returns the features at
 * strides 8 (dark3), 16 (dark4) and 32 (dark5).
 */
final class CspDarknet extends Module {
    private final Focus stem;
    /** the nn.Sequential containers, held because libtorch calls back into every module's Java peer */
    private final Module[] stages = new Module[4];
    private final Conv[] downs = new Conv[4];
    private final C3[] c3s = new C3[4];
    private final Spp spp;

    CspDarknet(long b, int d) {
        stem = register_module("stem", new Focus(3, b, 3));
        long[] widths = {b, 2 * b, 4 * b, 8 * b, 16 * b};
        int[] depths = {d, 3 * d, 3 * d, d};
        Spp pool = null;
        for (int s = 0; s < 4; s++) {
            Module stage = register_module("dark" + (s + 2), new Module());
            stages[s] = stage;
            long out = widths[s + 1];
            downs[s] = stage.register_module("0", new Conv(widths[s], out, 3, 2));
            int c3 = 1;
            if (s == 3) {
                pool = stage.register_module("1", new Spp(out, out));
                c3 = 2;
            }
            c3s[s] = stage.register_module(Integer.toString(c3), new C3(out, out, depths[s], s < 3));
        }
        spp = pool;
    }

    /** @return {feat1 (stride 8), feat2 (stride 16), feat3 (stride 32)} */
    Tensor[] forward(Tensor x) {
        Tensor y = stem.forward(x);
        Tensor[] feats = new Tensor[3];
        for (int s = 0; s < 4; s++) {
            y = downs[s].forward(y);
            if (s == 3) {
                y = spp.forward(y);
            }
            y = c3s[s].forward(y);
            if (s > 0) {
                feats[s - 1] = y;
            }
        }
        return feats;
    }

    void fuseBatchNorm() {
        stem.fuseBatchNorm();
        for (int s = 0; s < 4; s++) {
            downs[s].fuseBatchNorm();
            c3s[s].fuseBatchNorm();
        }
        spp.fuseBatchNorm();
    }
}
