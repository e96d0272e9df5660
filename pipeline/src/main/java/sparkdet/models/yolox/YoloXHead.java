package sparkdet.models.yolox;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.pytorch.Conv2dImpl;
import org.bytedeco.pytorch.Conv2dOptions;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;
import sparkdet.model.Ops;

/**
 * The reference's decoupled YOLOXHead: per level a 1x1 BaseConv to 4b channels (stems.i), then a
 * classification branch (cls_convs.i: two 3x3 convs, depthwise in nano; cls_preds.i: 1x1 to the
 * classes) and a regression branch (reg_convs.i, then reg_preds.i: 1x1 to 4 and obj_preds.i: 1x1
 * to 1, both from the regression features). Each level's output is cat(reg, obj, cls) on the
 * channels, raw: [N, 5 + classes, H, W]. The ModuleLists are registered in the reference's order
 * (cls_convs, reg_convs, cls_preds, reg_preds, obj_preds, stems), which is its state dict's.
 */
final class YoloXHead extends Module {
    private static final int LEVELS = 3;
    /** the ModuleLists and nn.Sequential containers, held because libtorch calls back into every module's Java peer */
    private final List<Module> containers = new ArrayList<>();
    private final BaseConv[] stems = new BaseConv[LEVELS];
    private final ConvBlock[][] clsConvs = new ConvBlock[LEVELS][2];
    private final ConvBlock[][] regConvs = new ConvBlock[LEVELS][2];
    private final Conv2dImpl[] clsPreds = new Conv2dImpl[LEVELS];
    private final Conv2dImpl[] regPreds = new Conv2dImpl[LEVELS];
    private final Conv2dImpl[] objPreds = new Conv2dImpl[LEVELS];

    /**
     * @param in the input channels per level (4b, 8b, 16b)
     * @param hidden the head's channels, int(256 width) = 4b
     */
    YoloXHead(int numClasses, long[] in, long hidden, boolean depthwise) {
        Module clsConvList = register_module("cls_convs", new Module());
        Module regConvList = register_module("reg_convs", new Module());
        Module clsPredList = register_module("cls_preds", new Module());
        Module regPredList = register_module("reg_preds", new Module());
        Module objPredList = register_module("obj_preds", new Module());
        Module stemList = register_module("stems", new Module());
        containers.addAll(List.of(clsConvList, regConvList, clsPredList, regPredList, objPredList, stemList));
        for (int i = 0; i < LEVELS; i++) {
            String level = Integer.toString(i);
            stems[i] = stemList.register_module(level, new BaseConv(in[i], hidden, 1, 1));
            Module cls = clsConvList.register_module(level, new Module());
            Module reg = regConvList.register_module(level, new Module());
            containers.addAll(List.of(cls, reg));
            for (int k = 0; k < 2; k++) {
                clsConvs[i][k] = cls.register_module(Integer.toString(k), ConvBlock.of(depthwise, hidden, hidden, 3, 1));
            }
            for (int k = 0; k < 2; k++) {
                regConvs[i][k] = reg.register_module(Integer.toString(k), ConvBlock.of(depthwise, hidden, hidden, 3, 1));
            }
            clsPreds[i] = clsPredList.register_module(level, pointwise(hidden, numClasses));
            regPreds[i] = regPredList.register_module(level, pointwise(hidden, 4));
            objPreds[i] = objPredList.register_module(level, pointwise(hidden, 1));
        }
    }

    private static Conv2dImpl pointwise(long in, long out) {
        return new Conv2dImpl(new Conv2dOptions(in, out, new LongPointer(1L, 1L)));
    }

    /** @return per level [N, 4 + 1 + classes, H, W]: reg, obj, cls */
    Tensor[] forward(Tensor[] features) {
        Tensor[] outputs = new Tensor[LEVELS];
        for (int i = 0; i < LEVELS; i++) {
            Tensor x = stems[i].forward(features[i]);
            Tensor clsFeat = clsConvs[i][1].forward(clsConvs[i][0].forward(x));
            Tensor regFeat = regConvs[i][1].forward(regConvs[i][0].forward(x));
            outputs[i] = Ops.cat(1, Ops.conv(regPreds[i], regFeat), Ops.conv(objPreds[i], regFeat),
                    Ops.conv(clsPreds[i], clsFeat));
        }
        return outputs;
    }

    void fuseBatchNorm() {
        for (int i = 0; i < LEVELS; i++) {
            stems[i].fuseBatchNorm();
            for (int k = 0; k < 2; k++) {
                clsConvs[i][k].fuseBatchNorm();
                regConvs[i][k].fuseBatchNorm();
            }
        }
    }
}
