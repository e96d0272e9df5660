package sparkdet.models.pspnet;

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
 * PSPNet of bubbliiiing/pspnet-pytorch: backbones mobilenetv2 (the default) and resnet50,
 * downsample factor 8 or 16, the auxiliary branch in training when segment.aux-branch is on, and
 * for mobilenetv2 sparkdet's width multiplier ({@link PSPNet}); its train.py's learning-rate bounds (Adam 3e-4..5e-4) and scheduler (10 %
 * warm-up, 10 % at the floor). Registered in META-INF/services/sparkdet.model.ModelFamily.
 */
public final class PSPNetFamily extends SegmentationFamily {
    public static final String ARCHITECTURE = "pspnet";

    @Override
    public String architecture() {
        return ARCHITECTURE;
    }

    @Override
    public List<String> variants() {
        return PSPNet.BACKBONES;
    }

    /** the pyramid and the output are resized to the features and the input, whatever their size */
    @Override
    public int inputMultiple() {
        return 1;
    }

    @Override
    protected LrScaling lrScaling(Config train) {
        return SegmentationRecipe.scaling(3e-4, 5e-4, 0.1, 0.1);
    }

    @Override
    public Network newNetwork(ModelSpec spec) {
        Torch.load();
        SegmentationOptions o = options(spec);
        return new PSPNet(spec.classes().size(), spec.variant(), o.downsampleFactor(), o.auxBranch(), o.width());
    }
}
