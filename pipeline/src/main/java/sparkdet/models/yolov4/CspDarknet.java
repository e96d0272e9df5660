package sparkdet.models.yolov4;

import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;
import sparkdet.models.yolo.Widths;

/**
 * nets/CSPdarknet.py's CSPDarkNet([1, 2, 8, 8, 4]): a 3x3 BasicConv conv1 to 32 channels, then
 * stages.0..4 (an nn.ModuleList of Resblock_body) to 64, 128, 256, 512, 1024 channels, each halving
 * the resolution. Returns the outputs of stages 2, 3 and 4 (strides 8, 16, 32).
 */
final class CspDarknet extends Module {
    static final int[] DEPTHS = {1, 2, 8, 8, 4};

    private final BasicConv conv1;
    /** held for its Java peer (libtorch calls back into every module's) */
    private final Module stageList;
    private final ResblockBody[] stages = new ResblockBody[DEPTHS.length];

    CspDarknet(Widths c) {
        conv1 = register_module("conv1", new BasicConv(3, c.of(32), 3));
        stageList = register_module("stages", new Module());
        long in = c.of(32);
        for (int i = 0; i < DEPTHS.length; i++) {
            long out = c.of(64 << i);
            stages[i] = stageList.register_module(Integer.toString(i), new ResblockBody(in, out, DEPTHS[i], i == 0));
            in = out;
        }
    }

    /** @return the stride 8, 16 and 32 features */
    Tensor[] forward(Tensor images) {
        Tensor x = stages[1].forward(stages[0].forward(conv1.forward(images)));
        Tensor c3 = stages[2].forward(x);
        Tensor c4 = stages[3].forward(c3);
        return new Tensor[] {c3, c4, stages[4].forward(c4)};
    }

    void fuseBatchNorm() {
        conv1.fuseBatchNorm();
        for (ResblockBody s : stages) {
            s.fuseBatchNorm();
        }
    }
}
