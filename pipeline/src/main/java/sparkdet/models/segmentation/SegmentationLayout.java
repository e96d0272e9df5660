package sparkdet.models.segmentation;

import com.typesafe.config.Config;
import sparkdet.model.SidecarLayout;
import sparkdet.model.Task;
import sparkdet.postprocess.OutputDecoder;

/**
 * The sidecar layout {@code segmentation}: the exports of DeepLabv3+, PSPNet and UNet, whose first
 * output is the logits [N, C, H, W] at the input size (the reference repositories' export_onnx);
 * they decode alike ({@code MaskDecoder}), taking RGB / 255 as the references' preprocess_input.
 */
public final class SegmentationLayout implements SidecarLayout {
    public static final String NAME = "segmentation";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Task task() {
        return Task.SEGMENT;
    }

    @Override
    public OutputDecoder decoder(Config sidecar, int classes, int inputSize) {
        throw new UnsupportedOperationException("the segmentation layout decodes to masks, not boxes");
    }
}
