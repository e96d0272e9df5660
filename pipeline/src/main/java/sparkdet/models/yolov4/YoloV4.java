package sparkdet.models.yolov4;

import org.bytedeco.pytorch.Tensor;
import sparkdet.model.Ops;
import sparkdet.models.yolo.AnchorYoloNetwork;
import sparkdet.models.yolo.ConvSet;
import sparkdet.models.yolo.ReferenceInit;
import sparkdet.models.yolo.UpsampleBlock;
import sparkdet.models.yolo.Widths;
import sparkdet.models.yolo.YoloHead;

/**
 * YOLOv4 as bubbliiiing/yolov4-pytorch defines it (nets/yolo.py's YoloBody): the CSPDarknet-53
 * backbone with Mish; conv1 (three convs), SPP (max pools of 13, 9 and 5, stride 1, and the input,
 * concatenated) and conv2 on its stride-32 feature; the PANet: upsample1 + conv_for_P4 +
 * make_five_conv1 and upsample2 + conv_for_P3 + make_five_conv2 top-down, down_sample1 +
 * make_five_conv3 and down_sample2 + make_five_conv4 bottom-up; yolo_head1/2/3 on P5, P4, P3. The neck
 * uses LeakyReLU(0.1). Outputs P5, P4, P3, each [N, 3 * (5 + classes), H, W]. Every parameter and
 * buffer has that repository's state-dict name, so its .pth files load by name. The SPP pools hold no
 * state and are not modules. A width multiplier below 1 gives a small variant with the same
 * structure. Created through {@link YoloV4Family#newNetwork}.
 */
final class YoloV4 extends AnchorYoloNetwork {
    /** SpatialPyramidPooling's pools, in the order its forward concatenates them (maxpools[::-1]) */
    private static final long[] SPP_KERNELS = {13, 9, 5};

    private final CspDarknet backbone;
    private final AlternatingConvs conv1;
    private final AlternatingConvs conv2;
    private final UpsampleBlock upsample1;
    private final ConvSet convForP4;
    private final AlternatingConvs makeFiveConv1;
    private final UpsampleBlock upsample2;
    private final ConvSet convForP3;
    private final AlternatingConvs makeFiveConv2;
    private final YoloHead yoloHead3;
    private final ConvSet downSample1;
    private final AlternatingConvs makeFiveConv3;
    private final YoloHead yoloHead2;
    private final ConvSet downSample2;
    private final AlternatingConvs makeFiveConv4;
    private final YoloHead yoloHead1;

    /**
     * Package-private: creating the first Module loads libtorch, which crashes on an empty JavaCPP
     * cache; {@link YoloV4Family#newNetwork} unpacks the cache first.
     */
    YoloV4(int numClasses, double width) {
        super(numClasses, name -> name.matches("yolo_head[123]\\.1\\..*"));
        Widths c = new Widths(width);
        long out = outputChannels();
        // registered in the reference's order, which is its state dict's
        backbone = register_module("backbone", new CspDarknet(c));
        conv1 = register_module("conv1", new AlternatingConvs(c.of(1024), c.of(512), c.of(1024), 3));
        conv2 = register_module("conv2", new AlternatingConvs((SPP_KERNELS.length + 1) * c.of(512), c.of(512),
                c.of(1024), 3));
        upsample1 = register_module("upsample1", new UpsampleBlock(c.of(512), c.of(256)));
        convForP4 = register_module("conv_for_P4", new ConvSet(c.of(512), c.of(256), 1));
        makeFiveConv1 = register_module("make_five_conv1", new AlternatingConvs(2 * c.of(256), c.of(256), c.of(512), 5));
        upsample2 = register_module("upsample2", new UpsampleBlock(c.of(256), c.of(128)));
        convForP3 = register_module("conv_for_P3", new ConvSet(c.of(256), c.of(128), 1));
        makeFiveConv2 = register_module("make_five_conv2", new AlternatingConvs(2 * c.of(128), c.of(128), c.of(256), 5));
        yoloHead3 = register_module("yolo_head3", new YoloHead(c.of(128), c.of(256), out));
        downSample1 = register_module("down_sample1", new ConvSet(c.of(128), c.of(256), 3, 2));
        makeFiveConv3 = register_module("make_five_conv3", new AlternatingConvs(2 * c.of(256), c.of(256), c.of(512), 5));
        yoloHead2 = register_module("yolo_head2", new YoloHead(c.of(256), c.of(512), out));
        downSample2 = register_module("down_sample2", new ConvSet(c.of(256), c.of(512), 3, 2));
        makeFiveConv4 = register_module("make_five_conv4", new AlternatingConvs(2 * c.of(512), c.of(512),
                c.of(1024), 5));
        yoloHead1 = register_module("yolo_head1", new YoloHead(c.of(512), c.of(1024), out));
        initWeights();
    }

    /** every conv + batch norm pair runs as one convolution in eval mode (see ConvBn#fuseBatchNorm) */
    @Override
    public void foldForInference() {
        backbone.fuseBatchNorm();
        for (AlternatingConvs a : new AlternatingConvs[] {conv1, conv2, makeFiveConv1, makeFiveConv2, makeFiveConv3,
            makeFiveConv4}) {
            a.fuseBatchNorm();
        }
        for (ConvSet s : new ConvSet[] {convForP4, convForP3, downSample1, downSample2}) {
            s.fuseBatchNorm();
        }
        upsample1.fuseBatchNorm();
        upsample2.fuseBatchNorm();
        for (YoloHead h : new YoloHead[] {yoloHead1, yoloHead2, yoloHead3}) {
            h.fuseBatchNorm();
        }
    }

    /**
     * As the repository's train.py starts a model without pretrained weights (nets/yolo_training.py's
     * weights_init, normal with gain 0.02, applied after CSPDarkNet's own init): every convolution
     * weight N(0, 0.02), every batch-norm weight N(1, 0.02) and bias 0. The output convolutions'
     * biases keep the framework's default, which libtorch shares with PyTorch.
     */
    private void initWeights() {
        ReferenceInit.apply(namedParameters(), ReferenceInit::namedBn);
    }

    /** @return P5 (stride 32), P4 (stride 16) and P3 (stride 8), each [N, 3 * (5 + classes), H, W] */
    @Override
    public Tensor[] forward(Tensor images) {
        Tensor[] feats = backbone.forward(images);
        Tensor p5 = conv2.forward(spp(conv1.forward(feats[2])));
        Tensor p4 = makeFiveConv1.forward(cat(convForP4.forward(feats[1]), upsample1.forward(p5)));
        Tensor p3 = makeFiveConv2.forward(cat(convForP3.forward(feats[0]), upsample2.forward(p4)));
        p4 = makeFiveConv3.forward(cat(downSample1.forward(p3), p4));
        p5 = makeFiveConv4.forward(cat(downSample2.forward(p4), p5));
        return new Tensor[] {yoloHead1.forward(p5), yoloHead2.forward(p4), yoloHead3.forward(p3)};
    }

    private static Tensor spp(Tensor x) {
        Tensor[] parts = new Tensor[SPP_KERNELS.length + 1];
        for (int i = 0; i < SPP_KERNELS.length; i++) {
            parts[i] = Ops.maxPool2d(x, SPP_KERNELS[i], 1, SPP_KERNELS[i] / 2, false);
        }
        parts[SPP_KERNELS.length] = x;
        return Ops.cat(1, parts);
    }

    private static Tensor cat(Tensor a, Tensor b) {
        return Ops.cat(1, a, b);
    }
}
