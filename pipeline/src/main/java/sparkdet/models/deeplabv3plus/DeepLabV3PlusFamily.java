package sparkdet.models.deeplabv3plus;

import com.typesafe.config.Config;
import java.util.List;
import sparkdet.model.LrScaling;
import sparkdet.model.ModelSpec;
import sparkdet.model.Network;
import sparkdet.model.Torch;
import sparkdet.models.segmentation.SegmentationFamily;
import sparkdet.models.segmentation.SegmentationOptions;
import sparkdet.models.segmentation.SegmentationRecipe;

/**
 * DeepLabv3+ of bubbliiiing/deeplabv3-plus-pytorch: backbones mobilenetv2 (the default) and
 * xception, downsample factor 8 or 16, and for mobilenetv2 sparkdet's width multiplier
 * ({@link DeepLabV3Plus}); its train.py's learning-rate bounds
 * (Adam 3e-4..5e-4, 1e-4 for xception) and scheduler (10 % warm-up, 30 % at the floor). Registered in
 * META-INF/services/sparkdet.model.ModelFamily.
 */
public final class DeepLabV3PlusFamily extends SegmentationFamily {
    public static final String ARCHITECTURE = "deeplabv3plus";

    @Override
    public String architecture() {
        return ARCHITECTURE;
    }

    @Override
    public List<String> variants() {
        return DeepLabV3Plus.BACKBONES;
    }

    /** the decoder resizes to the input, whatever its size */
    @Override
    public int inputMultiple() {
        return 1;
    }

    @Override
    protected LrScaling lrScaling(Config train) {
        boolean xception = !train.getIsNull("variant") && train.getString("variant").equals("xception");
        return xception ? SegmentationRecipe.scaling(1e-4, 1e-4, 0.1, 0.3) : SegmentationRecipe.scaling(3e-4, 5e-4, 0.1, 0.3);
    }

    @Override
    public Network newNetwork(ModelSpec spec) {
        Torch.load();
        SegmentationOptions o = options(spec);
        return new DeepLabV3Plus(spec.classes().size(), spec.variant(), o.downsampleFactor(), o.width());
    }

    /** the first family of the segmentation layout: a sidecar naming only the layout means DeepLabv3+ */
    @Override
    public boolean ownsSharedLayout() {
        return true;
    }
}
