package sparkdet.models.yolov3;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;
import sparkdet.models.yolo.ConvBnLeaky;
import sparkdet.models.yolo.Widths;

/**
 * nets/darknet.py's DarkNet([1, 2, 8, 8, 4]): a 3x3 stem (conv1/bn1/relu1, 32 channels) and
 * layer1..layer5, each an nn.Sequential of a stride-2 3x3 conv (ds_conv/ds_bn/ds_relu) to 64, 128,
 * 256, 512, 1024 channels and residual_0.. BasicBlocks halving the channels inside. Returns the
 * outputs of layer3, layer4 and layer5 (strides 8, 16, 32).
 */
final class DarkNet53 extends Module {
    static final int[] DEPTHS = {1, 2, 8, 8, 4};

    private final ConvBnLeaky stem;
    /** the layerN modules, held for their Java peers */
    private final List<Module> layers = new ArrayList<>();
    private final List<ConvBnLeaky> downsamples = new ArrayList<>();
    private final List<List<BasicBlock>> blocks = new ArrayList<>();

    DarkNet53(Widths c) {
        stem = new ConvBnLeaky(this, "conv1", "bn1", "relu1", 3, c.of(32), 3, 1);
        long in = c.of(32);
        for (int i = 0; i < DEPTHS.length; i++) {
            long mid = c.of(32 << i);
            long out = c.of(64 << i);
            Module layer = register_module("layer" + (i + 1), new Module());
            layers.add(layer);
            downsamples.add(new ConvBnLeaky(layer, "ds_conv", "ds_bn", "ds_relu", in, out, 3, 2));
            List<BasicBlock> residuals = new ArrayList<>();
            for (int j = 0; j < DEPTHS[i]; j++) {
                residuals.add(layer.register_module("residual_" + j, new BasicBlock(out, mid)));
            }
            blocks.add(residuals);
            in = out;
        }
    }

    /** @return the stride 8, 16 and 32 features */
    Tensor[] forward(Tensor images) {
        boolean training = is_training();
        Tensor x = stem.forward(images, training);
        Tensor[] out = new Tensor[3];
        for (int i = 0; i < DEPTHS.length; i++) {
            x = downsamples.get(i).forward(x, training);
            for (BasicBlock b : blocks.get(i)) {
                x = b.forward(x);
            }
            if (i >= 2) {
                out[i - 2] = x;
            }
        }
        return out;
    }

    void fuseBatchNorm() {
        stem.fuseBatchNorm();
        downsamples.forEach(ConvBnLeaky::fuseBatchNorm);
        blocks.forEach(l -> l.forEach(BasicBlock::fuseBatchNorm));
    }
}
