package sparkdet.models.unet;

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
 * UNet of bubbliiiing/unet-pytorch: backbones vgg (the default) and resnet50, and for vgg sparkdet's
 * width multiplier ({@link UNet}); its
 * train.py's learning-rate bounds (Adam 1e-4) and scheduler (5 % warm-up, 5 % at the floor). Its
 * input sides must be multiples of 32 (the deepest features are concatenated with upsampled ones).
 * Registered in META-INF/services/sparkdet.model.ModelFamily.
 */
public final class UNetFamily extends SegmentationFamily {
    public static final String ARCHITECTURE = "unet";

    @Override
    public String architecture() {
        return ARCHITECTURE;
    }

    @Override
    public List<String> variants() {
        return UNetBackbone.variants();
    }

    @Override
    public int inputMultiple() {
        return 32;
    }

    @Override
    protected LrScaling lrScaling(Config train) {
        return SegmentationRecipe.scaling(1e-4, 1e-4, 0.05, 0.05);
    }

    @Override
    public Network newNetwork(ModelSpec spec) {
        Torch.load();
        SegmentationOptions o = options(spec);
        return new UNet(spec.classes().size(), UNetBackbone.of(spec.variant()), o.width());
    }
}
