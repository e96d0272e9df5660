package sparkdet.model;

import com.typesafe.config.Config;
import sparkdet.image.PixelFormat;
import sparkdet.postprocess.OutputDecoder;

/**
 * How the raw outputs of an imported ONNX or TorchScript export decode: the sidecar's
 * {@code layout}. Registered as a service (META-INF/services/sparkdet.model.SidecarLayout); a
 * family names its own with {@link ModelFamily#sidecarLayout}.
 */
public interface SidecarLayout {
    /** the sidecar's {@code layout} value */
    String name();

    /** what the outputs are: boxes, or for a segmentation layout class maps (decoded by {@code MaskDecoder}) */
    default Task task() {
        return Task.DETECT;
    }

    /**
     * the box decoder of a detection layout
     *
     * @param sidecar the sidecar (HOCON), for the layout's own keys (e.g. anchors)
     * @throws IllegalArgumentException naming the key that is missing or wrong
     */
    OutputDecoder decoder(Config sidecar, int classes, int inputSize);

    /**
     * how exports of this layout take their pixels where the sidecar says nothing ({@code channels},
     * {@code normalize}): the YOLO repositories' RGB / 255 unless the layout's reference normalises
     * otherwise
     */
    default PixelFormat pixels() {
        return PixelFormat.unit();
    }
}
