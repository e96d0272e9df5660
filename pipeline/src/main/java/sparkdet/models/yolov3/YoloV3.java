package sparkdet.models.yolov3;

import java.util.regex.Pattern;
import org.bytedeco.pytorch.Tensor;
import sparkdet.model.Ops;
import sparkdet.models.yolo.AnchorYoloNetwork;
import sparkdet.models.yolo.ConvBnLeaky;
import sparkdet.models.yolo.ConvSet;
import sparkdet.models.yolo.ReferenceInit;
import sparkdet.models.yolo.Widths;

/**
 * YOLOv3 as bubbliiiing/yolo3-pytorch defines it (nets/yolo.py's YoloBody): the DarkNet-53 backbone,
 * last_layer0 on its stride-32 feature; last_layer1_conv (1x1) and nearest 2x upsampling of
 * last_layer0's branch, concatenated before the stride-16 feature, into last_layer1; likewise
 * last_layer2_conv and last_layer2 at stride 8. Outputs P5, P4, P3, each [N, 3 * (5 + classes), H, W].
 * Every parameter and buffer has that repository's state-dict name, so its .pth files load by name.
 * The upsampling modules have no state and are not registered. A width multiplier below 1 gives a
 * small variant with the same structure. Created through {@link YoloV3Family#newNetwork}.
 */
final class YoloV3 extends AnchorYoloNetwork {
    private static final Pattern BN = Pattern.compile("(^|\\.)(bn|bn1|bn2|ds_bn)\\.");

    private final DarkNet53 backbone;
    private final LastLayers lastLayer0;
    private final ConvSet lastLayer1Conv;
    private final LastLayers lastLayer1;
    private final ConvSet lastLayer2Conv;
    private final LastLayers lastLayer2;

    /**
     * Package-private: creating the first Module loads libtorch, which crashes on an empty JavaCPP
     * cache; {@link YoloV3Family#newNetwork} unpacks the cache first.
     */
    YoloV3(int numClasses, double width) {
        super(numClasses, name -> name.matches("last_layer[012]\\.6\\..*"));
        Widths c = new Widths(width);
        long out = outputChannels();
        backbone = register_module("backbone", new DarkNet53(c));
        lastLayer0 = register_module("last_layer0", new LastLayers(c.of(1024), c.of(512), c.of(1024), out));
        lastLayer1Conv = register_module("last_layer1_conv", new ConvSet(c.of(512), c.of(256), 1));
        lastLayer1 = register_module("last_layer1", new LastLayers(c.of(512) + c.of(256), c.of(256), c.of(512), out));
        lastLayer2Conv = register_module("last_layer2_conv", new ConvSet(c.of(256), c.of(128), 1));
        lastLayer2 = register_module("last_layer2", new LastLayers(c.of(256) + c.of(128), c.of(128), c.of(256), out));
        initWeights();
    }

    /** every conv + batch norm pair runs as one convolution in eval mode (see ConvBnLeaky#fuseBatchNorm) */
    @Override
    public void foldForInference() {
        backbone.fuseBatchNorm();
        lastLayer0.fuseBatchNorm();
        lastLayer1Conv.fuseBatchNorm();
        lastLayer1.fuseBatchNorm();
        lastLayer2Conv.fuseBatchNorm();
        lastLayer2.fuseBatchNorm();
    }

    /**
     * As the repository's train.py starts a model without pretrained weights (nets/yolo_training.py's
     * weights_init, normal with gain 0.02, applied after DarkNet's own init): every convolution
     * weight N(0, 0.02), every batch-norm weight N(1, 0.02) and bias 0. The output convolutions'
     * biases keep the framework's default, which libtorch shares with PyTorch.
     */
    private void initWeights() {
        ReferenceInit.apply(namedParameters(), module -> BN.matcher(module + ".").find());
    }

    /** @return P5 (stride 32), P4 (stride 16) and P3 (stride 8), each [N, 3 * (5 + classes), H, W] */
    @Override
    public Tensor[] forward(Tensor images) {
        Tensor[] feats = backbone.forward(images);
        Tensor branch0 = lastLayer0.branch(feats[2]);
        Tensor out0 = lastLayer0.head(branch0);
        Tensor branch1 = lastLayer1.branch(Ops.cat(1, upsample(lastLayer1Conv.forward(branch0)), feats[1]));
        Tensor out1 = lastLayer1.head(branch1);
        Tensor branch2 = lastLayer2.branch(Ops.cat(1, upsample(lastLayer2Conv.forward(branch1)), feats[0]));
        return new Tensor[] {out0, out1, lastLayer2.head(branch2)};
    }

    private static Tensor upsample(Tensor y) {
        return Ops.upsampleNearest(y, y.size(2) * 2, y.size(3) * 2);
    }
}
