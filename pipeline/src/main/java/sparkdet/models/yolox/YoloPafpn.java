package sparkdet.models.yolox;

import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;
import sparkdet.model.Ops;
import sparkdet.models.yolo.Block;
import sparkdet.models.yolo.CspBlock;
import sparkdet.models.yolo.CspDarknet;
import sparkdet.models.yolo.CspParts;
import sparkdet.models.yolo.Focus;

/**
 * The reference's YOLOPAFPN (nets/yolo.py), the YoloBody's {@code backbone}: the CSPDarknet (child
 * backbone) and the PANet neck (lateral_conv0, C3_p4, reduce_conv1, C3_p3, bu_conv2, C3_n3,
 * bu_conv1, C3_n4; CSPLayers without shortcut, round(3 depth) bottlenecks; bu_conv1 and bu_conv2
 * depthwise in nano). Returns P3_out (stride 8, 4b channels), P4_out (16, 8b), P5_out (32, 16b).
 */
final class YoloPafpn extends Module {
    private final CspDarknet backbone;
    private final BaseConv lateralConv0;
    private final CspBlock c3P4;
    private final BaseConv reduceConv1;
    private final CspBlock c3P3;
    private final ConvBlock buConv2;
    private final CspBlock c3N3;
    private final ConvBlock buConv1;
    private final CspBlock c3N4;

    /**
     * @param b the base channels (the reference's in_channels 256, 512, 1024 times width are 4b, 8b, 16b)
     * @param baseDepth the backbone's max(round(3 depth), 1)
     * @param neckDepth the neck's round(3 depth)
     */
    YoloPafpn(long b, int baseDepth, int neckDepth, boolean depthwise) {
        // the reference's CSPLayer, its Bottleneck and SPPBottleneck: children conv1, conv2, conv3, every
        // convolution a BaseConv but the bottlenecks' 3x3 (DWConv in nano)
        CspParts blocks = new CspParts("conv", (in, out) -> new BaseConv(in, out, 1, 1),
                c -> ConvBlock.of(depthwise, c, c, 3, 1));
        backbone = register_module("backbone", new CspDarknet(b, baseDepth, new CspDarknet.Parts() {
            // the stem is never depthwise, nano's neither
            @Override
            public Block stem(long out) {
                return new Focus(new BaseConv(12, out, 3, 1));
            }

            @Override
            public Block down(long in, long out) {
                return ConvBlock.of(depthwise, in, out, 3, 2);
            }

            @Override
            public CspParts blocks() {
                return blocks;
            }
        }));
        lateralConv0 = register_module("lateral_conv0", new BaseConv(16 * b, 8 * b, 1, 1));
        c3P4 = register_module("C3_p4", new CspBlock(blocks, 16 * b, 8 * b, neckDepth, false));
        reduceConv1 = register_module("reduce_conv1", new BaseConv(8 * b, 4 * b, 1, 1));
        c3P3 = register_module("C3_p3", new CspBlock(blocks, 8 * b, 4 * b, neckDepth, false));
        buConv2 = register_module("bu_conv2", ConvBlock.of(depthwise, 4 * b, 4 * b, 3, 2));
        c3N3 = register_module("C3_n3", new CspBlock(blocks, 8 * b, 8 * b, neckDepth, false));
        buConv1 = register_module("bu_conv1", ConvBlock.of(depthwise, 8 * b, 8 * b, 3, 2));
        c3N4 = register_module("C3_n4", new CspBlock(blocks, 16 * b, 16 * b, neckDepth, false));
    }

    /** @return P3_out, P4_out, P5_out */
    Tensor[] forward(Tensor x) {
        Tensor[] feats = backbone.forward(x);
        Tensor p5 = lateralConv0.forward(feats[2]);
        Tensor p5Upsample = c3P4.forward(cat(upsample(p5), feats[1]));
        Tensor p4 = reduceConv1.forward(p5Upsample);
        Tensor p3Out = c3P3.forward(cat(upsample(p4), feats[0]));
        Tensor p4Out = c3N3.forward(cat(buConv2.forward(p3Out), p4));
        Tensor p5Out = c3N4.forward(cat(buConv1.forward(p4Out), p5));
        return new Tensor[] {p3Out, p4Out, p5Out};
    }

    private static Tensor upsample(Tensor x) {
        return Ops.upsampleNearest(x, x.size(2) * 2, x.size(3) * 2);
    }

    private static Tensor cat(Tensor a, Tensor b) {
        return Ops.cat(1, a, b);
    }

    void fuseBatchNorm() {
        backbone.fuseBatchNorm();
        for (BaseConv c : new BaseConv[] {lateralConv0, reduceConv1}) {
            c.fuseBatchNorm();
        }
        for (ConvBlock c : new ConvBlock[] {buConv2, buConv1}) {
            c.fuseBatchNorm();
        }
        for (CspBlock c : new CspBlock[] {c3P4, c3P3, c3N3, c3N4}) {
            c.fuseBatchNorm();
        }
    }
}
