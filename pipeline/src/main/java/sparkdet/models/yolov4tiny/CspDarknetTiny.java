package sparkdet.models.yolov4tiny;

import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;
import sparkdet.models.yolo.Widths;

/** The CSPDarknet53-tiny backbone; its features at strides 16 (feat1) and 32 (feat2). */
final class CspDarknetTiny extends Module {
    private final BasicConv conv1;
    private final BasicConv conv2;
    private final ResblockBody resblockBody1;
    private final ResblockBody resblockBody2;
    private final ResblockBody resblockBody3;
    private final BasicConv conv3;

    CspDarknetTiny(Widths c) {
        conv1 = register_module("conv1", new BasicConv(3, c.of(32), 3, 2));
        conv2 = register_module("conv2", new BasicConv(c.of(32), c.of(64), 3, 2));
        resblockBody1 = register_module("resblock_body1", new ResblockBody(c.of(64), c.of(64)));
        resblockBody2 = register_module("resblock_body2", new ResblockBody(c.of(128), c.of(128)));
        resblockBody3 = register_module("resblock_body3", new ResblockBody(c.of(256), c.of(256)));
        conv3 = register_module("conv3", new BasicConv(c.of(512), c.of(512), 3));
    }

    /** @return {feat1 (stride 16), feat2 (stride 32)} */
    Tensor[] forward(Tensor x) {
        Tensor y = conv2.forward(conv1.forward(x));
        y = resblockBody1.forward(y)[0];
        y = resblockBody2.forward(y)[0];
        Tensor[] third = resblockBody3.forward(y);
        return new Tensor[] {third[1], conv3.forward(third[0])};
    }

    void fuseBatchNorm() {
        for (BasicConv c : new BasicConv[] {conv1, conv2, conv3}) {
            c.fuseBatchNorm();
        }
        for (ResblockBody r : new ResblockBody[] {resblockBody1, resblockBody2, resblockBody3}) {
            r.fuseBatchNorm();
        }
    }
}
