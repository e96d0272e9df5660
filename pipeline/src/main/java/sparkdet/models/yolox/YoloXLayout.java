package sparkdet.models.yolox;

import com.typesafe.config.Config;
import sparkdet.image.PixelFormat;
import sparkdet.model.SidecarLayout;
import sparkdet.postprocess.OutputDecoder;

/**
 * The sidecar layout {@code yolox}: exports of the reference's network (bubbliiiing/yolox-pytorch,
 * and so sparkdet's {@link YoloX}), one raw output per level from stride 8 to 32, each
 * [N, 5 + classes, H, W] (reg, obj, cls), decoded by {@link YoloXDecoder}. Its pixels default to
 * the reference's preprocess_input: RGB / 255, then the ImageNet mean and std.
 */
public final class YoloXLayout implements SidecarLayout {
    public static final String NAME = "yolox";
    /** the reference's preprocess_input: (v / 255 - mean) / std, ImageNet's, per RGB plane */
    public static final PixelFormat PIXELS = new PixelFormat(PixelFormat.Channels.RGB, 1.0 / 255,
            new double[] {0.485, 0.456, 0.406}, new double[] {0.229, 0.224, 0.225});

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public OutputDecoder decoder(Config sidecar, int classes, int inputSize) {
        return new YoloXDecoder(classes, inputSize, inputSize);
    }

    @Override
    public PixelFormat pixels() {
        return PIXELS;
    }
}
