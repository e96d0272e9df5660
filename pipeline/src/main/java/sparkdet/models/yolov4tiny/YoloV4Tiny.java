package sparkdet.models.yolov4tiny;

import java.util.Optional;
import org.bytedeco.pytorch.Tensor;
import sparkdet.model.Ops;
import sparkdet.models.yolo.AnchorYoloNetwork;
import sparkdet.models.yolo.ReferenceInit;
import sparkdet.models.yolo.UpsampleBlock;
import sparkdet.models.yolo.Widths;
import sparkdet.models.yolo.YoloHead;

/**
 * YOLOv4-tiny as bubbliiiing/yolov4-tiny-pytorch defines it (nets/yolo.py's YoloBody):
 * CSPDarknet53-tiny, an FPN neck and two heads, P5 (stride 32) then P4 (stride 16), each
 * [N, 3 * (5 + classes), H, W]; for phi 1-4 an attention block ({@link Attention}) on feat1
 * (feat1_att), feat2 (feat2_att) and the upsampled P5 (upsample_att). Every parameter and buffer
 * has that repository's state-dict name, so its .pth files load by name. A width multiplier below
 * 1 gives a small variant with the same structure. Created through {@link YoloV4TinyFamily#newNetwork}.
 */
final class YoloV4Tiny extends AnchorYoloNetwork {
    private final CspDarknetTiny backbone;
    private final BasicConv convForP5;
    private final YoloHead headP5;
    private final UpsampleBlock upsample;
    private final YoloHead headP4;
    /** empty for phi 0 */
    private final Optional<AttentionBlock> feat1Attention;
    private final Optional<AttentionBlock> feat2Attention;
    private final Optional<AttentionBlock> upsampleAttention;

    /**
     * Package-private: creating the first Module loads libtorch (Module's static initialiser runs
     * before any code here), which crashes on an empty JavaCPP cache; {@link YoloV4TinyFamily#newNetwork}
     * unpacks the cache first.
     */
    YoloV4Tiny(int numClasses, double width, Attention attention) {
        super(numClasses, name -> name.startsWith("yolo_headP5.1.") || name.startsWith("yolo_headP4.1."));
        Widths c = new Widths(width);
        long out = outputChannels();
        backbone = register_module("backbone", new CspDarknetTiny(c));
        convForP5 = register_module("conv_for_P5", new BasicConv(c.of(512), c.of(256), 1));
        headP5 = register_module("yolo_headP5", new YoloHead(c.of(256), c.of(512), out));
        upsample = register_module("upsample", new UpsampleBlock(c.of(256), c.of(128)));
        headP4 = register_module("yolo_headP4", new YoloHead(c.of(128) + c.of(256), c.of(256), out));
        feat1Attention = attention.newBlock(c.of(256)).map(b -> register_module("feat1_att", b));
        feat2Attention = attention.newBlock(c.of(512)).map(b -> register_module("feat2_att", b));
        upsampleAttention = attention.newBlock(c.of(128)).map(b -> register_module("upsample_att", b));
        initWeights();
    }

    /** every conv + batch norm pair runs as one convolution in eval mode (see BasicConv#fuseBatchNorm) */
    @Override
    public void foldForInference() {
        backbone.fuseBatchNorm();
        convForP5.fuseBatchNorm();
        headP5.fuseBatchNorm();
        upsample.fuseBatchNorm();
        headP4.fuseBatchNorm();
    }

    /**
     * As the repository's train.py starts a model trained from scratch (nets/yolo_training.py's
     * weights_init, normal with gain 0.02): every convolution weight N(0, 0.02), every batch-norm
     * weight N(1, 0.02) and bias 0. The output convolutions' biases keep the framework's default,
     * which libtorch shares with PyTorch.
     */
    private void initWeights() {
        ReferenceInit.apply(namedParameters(), ReferenceInit::namedBn);
    }

    /** @return the P5 (stride 32) and P4 (stride 16) outputs, each [N, 3 * (5 + classes), H, W] */
    @Override
    public Tensor[] forward(Tensor images) {
        Tensor[] feats = backbone.forward(images);
        Tensor feat1 = attend(feat1Attention, feats[0]);
        Tensor p5 = convForP5.forward(attend(feat2Attention, feats[1]));
        Tensor out0 = headP5.forward(p5);
        Tensor p4 = Ops.cat(1, attend(upsampleAttention, upsample.forward(p5)), feat1);
        return new Tensor[] {out0, headP4.forward(p4)};
    }

    private static Tensor attend(Optional<AttentionBlock> attention, Tensor x) {
        return attention.isPresent() ? attention.get().forward(x) : x;
    }

}
