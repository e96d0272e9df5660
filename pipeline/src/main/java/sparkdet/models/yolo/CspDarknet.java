package sparkdet.models.yolo;

import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;

/**
 * The CSPDarknet of YOLOv5 and YOLOX (their nets/CSPdarknet.py and nets/darknet.py): a Focus stem,
 * then dark2..dark5, each an nn.Sequential of a stride-2 3x3 convolution block and a CSP stage with
 * shortcuts (base depth, three times that in dark3 and dark4); dark5 has the spatial pyramid pooling
 * between them and its CSP stage has no shortcut. The families differ only in their convolution
 * blocks and in what the CSP and SPP blocks name them ({@link Parts}: YOLOv5's Conv, named cv1..cv3
 * in C3 and SPP; YOLOX's BaseConv or DWConv, named conv1..conv3 in CSPLayer and SPPBottleneck), so
 * this layout, {@link CspBlock} and {@link Spp} serve both.
 * Returns the features at strides 8 (dark3), 16 (dark4) and 32 (dark5).
 */
public final class CspDarknet extends Module {
    /** a family's blocks, registered under the reference's names by the backbone */
    public interface Parts {
        /** the stem (child stem) from 3 channels */
        Block stem(long out);

        /** a stage's stride-2 3x3 convolution (child 0) */
        Block down(long in, long out);

        /**
         * the names and convolution blocks of a stage's {@link CspBlock} (child 1, or 2 in dark5) and
         * of dark5's {@link Spp} (child 1)
         */
        CspParts blocks();
    }

    private final Block stem;
    /** the nn.Sequential containers, held because libtorch calls back into every module's Java peer */
    private final Module[] stages = new Module[4];
    private final Block[] downs = new Block[4];
    private final Block[] csps = new Block[4];
    private final Block spp;

    /**
     * @param b the base channels, int(64 width)
     * @param d the base depth, max(round(3 depth), 1)
     */
    public CspDarknet(long b, int d, Parts parts) {
        stem = register_module("stem", parts.stem(b));
        long[] widths = {b, 2 * b, 4 * b, 8 * b, 16 * b};
        int[] depths = {d, 3 * d, 3 * d, d};
        CspParts blocks = parts.blocks();
        Block pool = null;
        for (int s = 0; s < 4; s++) {
            Module stage = register_module("dark" + (s + 2), new Module());
            stages[s] = stage;
            long out = widths[s + 1];
            downs[s] = stage.register_module("0", parts.down(widths[s], out));
            int csp = 1;
            if (s == 3) {
                pool = stage.register_module("1", new Spp(blocks, out, out));
                csp = 2;
            }
            csps[s] = stage.register_module(Integer.toString(csp), new CspBlock(blocks, out, out, depths[s], s < 3));
        }
        spp = pool;
    }

    /** @return {dark3 (stride 8), dark4 (stride 16), dark5 (stride 32)} */
    public Tensor[] forward(Tensor x) {
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

    public void fuseBatchNorm() {
        stem.fuseBatchNorm();
        for (int s = 0; s < 4; s++) {
            downs[s].fuseBatchNorm();
            csps[s].fuseBatchNorm();
        }
        spp.fuseBatchNorm();
    }
}
