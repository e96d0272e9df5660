package sparkdet.models.yolov4;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;
import sparkdet.model.Ops;

/**
 * nets/CSPdarknet.py's Resblock_body, a CSP stage: a stride-2 3x3 downsample_conv; split_conv0 (the
 * bypass) and split_conv1 then blocks_conv (an nn.Sequential of Resblocks and a 1x1 BasicConv), both
 * 1x1; concat_conv on cat(blocks, bypass). The first stage keeps all channels in both branches (its
 * one Resblock narrows to half inside), the others halve them.
 */
final class ResblockBody extends Module {
    private final BasicConv downsampleConv;
    private final BasicConv splitConv0;
    private final BasicConv splitConv1;
    /** held for its Java peer (libtorch calls back into every module's) */
    private final Module blocksConv;
    private final List<Resblock> residuals = new ArrayList<>();
    private final BasicConv blocksOut;
    private final BasicConv concatConv;

    ResblockBody(long in, long out, int blocks, boolean first) {
        long inner = first ? out : out / 2;
        downsampleConv = register_module("downsample_conv", new BasicConv(in, out, 3, 2));
        splitConv0 = register_module("split_conv0", new BasicConv(out, inner, 1));
        splitConv1 = register_module("split_conv1", new BasicConv(out, inner, 1));
        blocksConv = register_module("blocks_conv", new Module());
        for (int i = 0; i < blocks; i++) {
            residuals.add(blocksConv.register_module(Integer.toString(i), new Resblock(inner, out / 2)));
        }
        blocksOut = blocksConv.register_module(Integer.toString(blocks), new BasicConv(inner, inner, 1));
        concatConv = register_module("concat_conv", new BasicConv(2 * inner, out, 1));
    }

    Tensor forward(Tensor x) {
        Tensor y = downsampleConv.forward(x);
        Tensor bypass = splitConv0.forward(y);
        Tensor main = splitConv1.forward(y);
        for (Resblock r : residuals) {
            main = r.forward(main);
        }
        return concatConv.forward(Ops.cat(1, blocksOut.forward(main), bypass));
    }

    void fuseBatchNorm() {
        for (BasicConv c : new BasicConv[] {downsampleConv, splitConv0, splitConv1, blocksOut, concatConv}) {
            c.fuseBatchNorm();
        }
        residuals.forEach(Resblock::fuseBatchNorm);
    }
}
