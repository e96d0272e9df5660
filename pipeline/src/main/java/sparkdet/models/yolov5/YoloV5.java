package sparkdet.models.yolov5;

import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.pytorch.Conv2dImpl;
import org.bytedeco.pytorch.Conv2dOptions;
import org.bytedeco.pytorch.Tensor;
import sparkdet.model.Ops;
import sparkdet.models.yolo.AnchorYoloNetwork;
import sparkdet.models.yolo.Block;
import sparkdet.models.yolo.CspBlock;
import sparkdet.models.yolo.CspDarknet;
import sparkdet.models.yolo.CspParts;
import sparkdet.models.yolo.Focus;
import sparkdet.models.yolo.ReferenceInit;

/**
 * YOLOv5 as bubbliiiing/yolov5-pytorch's nets/yolo.py builds it (YoloBody with the cspdarknet
 * backbone): CSPDarknet (Focus stem, C3 stages, SPP), a PANet neck (conv_for_feat3,
 * conv3_for_upsample1, conv_for_feat2, conv3_for_upsample2, down_sample1, conv3_for_downsample1,
 * down_sample2, conv3_for_downsample2) and three 1x1 heads. {@link #forward} returns the reference's
 * order: P5 (stride 32, anchors 6-8), P4 (stride 16, anchors 3-5), P3 (stride 8, anchors 0-2), each
 * [N, 3 * (5 + classes), H, W] with channel a * (5 + classes) + k, k = tx, ty, tw, th, objectness,
 * classes. Every parameter and buffer has the reference's state-dict name, so its .pth files load
 * by name and shape (sparkdet.model.Weights). Created through {@link YoloV5Family#newNetwork}.
 */
public final class YoloV5 extends AnchorYoloNetwork {
    /** the reference's C3, its Bottleneck and SPP: children cv1, cv2, cv3, every convolution a {@link Conv} */
    private static final CspParts BLOCKS =
            new CspParts("cv", (in, out) -> new Conv(in, out, 1), c -> new Conv(c, c, 3));

    private final YoloV5Variant variant;
    private final double width;
    private final CspDarknet backbone;
    private final Conv convForFeat3;
    private final CspBlock conv3ForUpsample1;
    private final Conv convForFeat2;
    private final CspBlock conv3ForUpsample2;
    private final Conv downSample1;
    private final CspBlock conv3ForDownsample1;
    private final Conv downSample2;
    private final CspBlock conv3ForDownsample2;
    private final Conv2dImpl headP3;
    private final Conv2dImpl headP4;
    private final Conv2dImpl headP5;

    YoloV5(YoloV5Variant variant, int numClasses, double width) {
        super(numClasses, name -> name.startsWith("yolo_head_P"));
        this.variant = variant;
        this.width = width;
        long b = variant.baseChannels(width);
        int d = variant.baseDepth();
        long out = outputChannels();
        backbone = register_module("backbone", new CspDarknet(b, d, new CspDarknet.Parts() {
            @Override
            public Block stem(long out) {
                return new Focus(new Conv(12, out, 3));
            }

            @Override
            public Block down(long in, long out) {
                return new Conv(in, out, 3, 2);
            }

            @Override
            public CspParts blocks() {
                return BLOCKS;
            }
        }));
        convForFeat3 = register_module("conv_for_feat3", new Conv(16 * b, 8 * b, 1));
        conv3ForUpsample1 = register_module("conv3_for_upsample1", new CspBlock(BLOCKS, 16 * b, 8 * b, d, false));
        convForFeat2 = register_module("conv_for_feat2", new Conv(8 * b, 4 * b, 1));
        conv3ForUpsample2 = register_module("conv3_for_upsample2", new CspBlock(BLOCKS, 8 * b, 4 * b, d, false));
        downSample1 = register_module("down_sample1", new Conv(4 * b, 4 * b, 3, 2));
        conv3ForDownsample1 = register_module("conv3_for_downsample1", new CspBlock(BLOCKS, 8 * b, 8 * b, d, false));
        downSample2 = register_module("down_sample2", new Conv(8 * b, 8 * b, 3, 2));
        conv3ForDownsample2 = register_module("conv3_for_downsample2", new CspBlock(BLOCKS, 16 * b, 16 * b, d, false));
        headP3 = register_module("yolo_head_P3", head(4 * b, out));
        headP4 = register_module("yolo_head_P4", head(8 * b, out));
        headP5 = register_module("yolo_head_P5", head(16 * b, out));
        initWeights();
    }

    private static Conv2dImpl head(long in, long out) {
        return new Conv2dImpl(new Conv2dOptions(in, out, new LongPointer(1L, 1L)));
    }

    /**
     * As the reference's train.py starts a model trained from scratch (weights_init, normal with
     * gain 0.02): every convolution weight N(0, 0.02), every batch-norm weight N(1, 0.02) and bias
     * 0. The heads' biases keep the framework's default, which libtorch shares with PyTorch.
     */
    private void initWeights() {
        ReferenceInit.apply(namedParameters(), ReferenceInit::namedBn);
    }

    /** @return P5 (stride 32), P4 (stride 16), P3 (stride 8), each [N, 3 * (5 + classes), H, W] */
    @Override
    public Tensor[] forward(Tensor images) {
        Tensor[] feats = backbone.forward(images);
        Tensor p5 = convForFeat3.forward(feats[2]);
        Tensor p4 = convForFeat2.forward(conv3ForUpsample1.forward(cat(upsample(p5), feats[1])));
        Tensor p3 = conv3ForUpsample2.forward(cat(upsample(p4), feats[0]));
        p4 = conv3ForDownsample1.forward(cat(downSample1.forward(p3), p4));
        p5 = conv3ForDownsample2.forward(cat(downSample2.forward(p4), p5));
        return new Tensor[] {Ops.conv(headP5, p5), Ops.conv(headP4, p4), Ops.conv(headP3, p3)};
    }

    private static Tensor upsample(Tensor x) {
        return Ops.upsampleNearest(x, x.size(2) * 2, x.size(3) * 2);
    }

    private static Tensor cat(Tensor a, Tensor b) {
        return Ops.cat(1, a, b);
    }

    /** every conv + batch norm pair runs as one convolution in eval mode (see Conv#fuseBatchNorm) */
    @Override
    public void foldForInference() {
        backbone.fuseBatchNorm();
        for (Conv c : new Conv[] {convForFeat3, convForFeat2, downSample1, downSample2}) {
            c.fuseBatchNorm();
        }
        for (CspBlock c : new CspBlock[] {conv3ForUpsample1, conv3ForUpsample2, conv3ForDownsample1,
                conv3ForDownsample2}) {
            c.fuseBatchNorm();
        }
    }

    public YoloV5Variant variant() {
        return variant;
    }

    /** sparkdet's extra width multiplier (1 = the reference's network) */
    public double width() {
        return width;
    }

    /** why a tensor's shape may differ from a file's: beyond the heads, the variant and width set every shape */
    @Override
    public String shapeHint(String name) {
        String head = super.shapeHint(name);
        return head.isEmpty() ? " (another variant or width?)" : head;
    }
}
