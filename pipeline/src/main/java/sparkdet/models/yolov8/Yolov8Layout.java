package sparkdet.models.yolov8;

import com.typesafe.config.Config;
import sparkdet.model.SidecarLayout;
import sparkdet.postprocess.OutputDecoder;

/** The sidecar layout {@code yolov8}: Ultralytics exports (YOLOv8/YOLO11), imported only until trained natively. */
public final class Yolov8Layout implements SidecarLayout {
    @Override
    public String name() {
        return "yolov8";
    }

    @Override
    public OutputDecoder decoder(Config sidecar, int classes, int inputSize) {
        return new Yolov8Decoder(classes);
    }
}
