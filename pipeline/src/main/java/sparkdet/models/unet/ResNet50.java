package sparkdet.models.unet;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;
import sparkdet.model.Ops;
import sparkdet.models.yolo.ConvBn;

/**
 * unet-pytorch's ResNet-50 (nets/resnet.py, avgpool and fc deleted): conv1 (7x7, stride 2) + bn1 +
 * ReLU is feat1 (64 channels, stride 2); a 3x3 stride-2 max pool in ceil mode (the reference's
 * change from torchvision), then layer1..layer4 of 3, 4, 6 and 3 {@link Bottleneck}s (each an
 * nn.Sequential, so the blocks are named 0, 1, ...), the first block of layer2..4 with stride 2,
 * give feat2..feat5: 256, 512, 1024 and 2048 channels at strides 4, 8, 16 and 32.
 */
final class ResNet50 extends Encoder {
    private static final int[] BLOCKS = {3, 4, 6, 3};

    private final ConvBn stem;
    /** held although forward never calls them: libtorch calls back into the Java peer of every module */
    private final List<Module> layers = new ArrayList<>();
    private final List<List<Bottleneck>> blocks = new ArrayList<>();

    ResNet50() {
        stem = new ConvBn(this, "conv1", "bn1", 3, 64, 7, 2);
        long in = 64;
        for (int l = 0; l < BLOCKS.length; l++) {
            long planes = 64L << l;
            Module layer = register_module("layer" + (l + 1), new Module());
            List<Bottleneck> layerBlocks = new ArrayList<>();
            for (int b = 0; b < BLOCKS[l]; b++) {
                long stride = b == 0 && l > 0 ? 2 : 1;
                layerBlocks.add(layer.register_module(Integer.toString(b), new Bottleneck(in, planes, stride)));
                in = planes * Bottleneck.EXPANSION;
            }
            layers.add(layer);
            blocks.add(layerBlocks);
        }
    }

    @Override
    Tensor[] features(Tensor images) {
        Tensor[] feats = new Tensor[1 + BLOCKS.length];
        feats[0] = Ops.reluInPlace(stem.forward(images, is_training()));
        Tensor x = Ops.maxPool2d(feats[0], 3, 2, 0, true);
        for (int l = 0; l < BLOCKS.length; l++) {
            for (Bottleneck block : blocks.get(l)) {
                x = block.forward(x);
            }
            feats[l + 1] = x;
        }
        return feats;
    }

    @Override
    void fuseBatchNorm() {
        stem.fuseBatchNorm();
        blocks.forEach(layer -> layer.forEach(Bottleneck::fuseBatchNorm));
    }
}
