package sparkdet.models.yolox;

import java.util.List;
import org.bytedeco.pytorch.Tensor;
import sparkdet.model.FreezeGroup;
import sparkdet.model.Network;
import sparkdet.models.yolo.ReferenceInit;

/**
 * YOLOX as bubbliiiing/yolox-pytorch's nets/yolo.py builds it (YoloBody): {@code backbone} is the
 * YOLOPAFPN (the CSPDarknet under backbone.backbone, then the PANet neck) and {@code head} the
 * decoupled YOLOXHead. {@link #forward} returns the reference's order, strides 8, 16, 32, each
 * [N, 5 + classes, H, W] raw: channels 0-3 the box regression (x, y offsets in cells, log w, log h
 * in strides), 4 the objectness logit, then the class logits. Every parameter and buffer has the
 * reference's state-dict name, so its .pth files load by name and shape (sparkdet.model.Weights).
 * Created through {@link YoloXVariant#newModel}.
 */
public final class YoloX extends Network {
    /** the reference's train.py freezes model.backbone: the CSPDarknet and the neck, not the head */
    private static final List<FreezeGroup> FREEZE_GROUPS = List.of(new FreezeGroup("backbone", List.of("backbone.")));

    private final YoloXVariant variant;
    private final int numClasses;
    private final double width;
    private final YoloPafpn backbone;
    private final YoloXHead head;

    YoloX(YoloXVariant variant, int numClasses, double width) {
        if (numClasses < 1) {
            throw new IllegalArgumentException("a detector needs at least one class, got " + numClasses);
        }
        this.variant = variant;
        this.numClasses = numClasses;
        this.width = width;
        long b = variant.baseChannels(width);
        backbone = register_module("backbone", new YoloPafpn(b, variant.baseDepth(), variant.neckDepth(),
                variant.depthwise()));
        head = register_module("head", new YoloXHead(numClasses, new long[] {4 * b, 8 * b, 16 * b}, 4 * b,
                variant.depthwise()));
        // the reference's train.py calls weights_init(model) before loading any weights
        ReferenceInit.apply(namedParameters(), ReferenceInit::namedBn);
    }

    /** @return strides 8, 16, 32, each [N, 5 + classes, H, W] */
    @Override
    public Tensor[] forward(Tensor images) {
        return head.forward(backbone.forward(images));
    }

    /** every conv + batch norm pair runs as one convolution in eval mode */
    @Override
    public void foldForInference() {
        backbone.fuseBatchNorm();
        head.fuseBatchNorm();
    }

    @Override
    public List<FreezeGroup> freezeGroups() {
        return FREEZE_GROUPS;
    }

    public YoloXVariant variant() {
        return variant;
    }

    @Override
    public int numClasses() {
        return numClasses;
    }

    /** sparkdet's extra width multiplier (1 = the reference's network) */
    public double width() {
        return width;
    }

    /** why a tensor's shape may differ from a file's: the class predictions depend on the class count */
    @Override
    public String shapeHint(String name) {
        return name.startsWith("head.cls_preds.") ? " (class count changed)" : " (another variant or width?)";
    }
}
