package sparkdet.models.yolox;

import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;

/**
 * The reference's CSPDarknet (nets/darknet.py): Focus stem, then dark2..dark5, each an nn.Sequential
 * of a stride-2 3x3 conv (depthwise in nano) and a CSPLayer with shortcuts (base depth, three times
 * that in dark3 and dark4); dark5 has the SPPBottleneck between them and its CSPLayer has no
 * shortcut. Returns the features at strides 8 (dark3), 16 (dark4) and 32 (dark5).
 */
final class CspDarknet extends Module {
    private final Focus stem;
    /** the nn.Sequential containers, held because libtorch calls back into every module's Java peer */
    private final Module[] stages = new Module[4];
    private final ConvBlock[] downs = new ConvBlock[4];
    private final CspLayer[] csps = new CspLayer[4];
    private final SppBottleneck spp;

    /**
     * @param b the base channels, int(64 width)
     * @param d the base depth, max(round(3 depth), 1)
     */
    CspDarknet(long b, int d, boolean depthwise) {
        stem = register_module("stem", new Focus(3, b));
        long[] widths = {b, 2 * b, 4 * b, 8 * b, 16 * b};
        int[] depths = {d, 3 * d, 3 * d, d};
        SppBottleneck pool = null;
        for (int s = 0; s < 4; s++) {
            Module stage = register_module("dark" + (s + 2), new Module());
            stages[s] = stage;
            long out = widths[s + 1];
            downs[s] = stage.register_module("0", ConvBlock.of(depthwise, widths[s], out, 3, 2));
            int csp = 1;
            if (s == 3) {
                pool = stage.register_module("1", new SppBottleneck(out, out));
                csp = 2;
            }
            csps[s] = stage.register_module(Integer.toString(csp), new CspLayer(out, out, depths[s], s < 3, depthwise));
        }
        spp = pool;
    }

    /** @return {dark3 (stride 8), dark4 (stride 16), dark5 (stride 32)} */
    Tensor[] forward(Tensor x) {
        Tensor y = stem.forward(x);
        Tensor[] feats = new Tensor[3];
        for (int s = 0; s < 4; s++) {
            y = downs[s].forward(y);
            if (s == 3) {
                y = spp.forward(y);
            }
            y = csps[s].forward(y);
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
            csps[s].fuseBatchNorm();
        }
        spp.fuseBatchNorm();
    }
}
