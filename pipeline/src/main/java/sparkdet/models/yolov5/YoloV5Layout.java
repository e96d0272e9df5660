package sparkdet.models.yolov5;

import com.typesafe.config.Config;
import sparkdet.model.SidecarLayout;
import sparkdet.models.yolo.AnchorOptions;
import sparkdet.models.yolo.YoloAnchorDecoder;
import sparkdet.models.yolo.YoloAnchorsLayout;
import sparkdet.postprocess.OutputDecoder;

/**
 * The sidecar layout {@code yolov5} (DESIGN.md): YOLOv5/v7 raw heads, one output per scale from
 * stride 32 to 8 as the reference orders them, the yolo-anchors tensor layout with YOLOv5's box
 * equations. {@code anchors} default to the reference's 9 COCO anchors and {@code anchors-mask}
 * to its [[6,7,8],[3,4,5],[0,1,2]].
 */
public final class YoloV5Layout implements SidecarLayout {
    public static final String NAME = "yolov5";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public OutputDecoder decoder(Config sidecar, int classes, int inputSize) {
        AnchorOptions o = options(sidecar, 1.0);
        return new YoloAnchorDecoder(YoloAnchorDecoder.BoxForm.YOLOV5, o.anchors(), o.anchorsMask(), classes,
                inputSize, inputSize);
    }

    static AnchorOptions options(Config sidecar, double width) {
        if (!sidecar.hasPath("anchors")) {
            return new AnchorOptions(width, YoloV5Loss.defaultAnchors(), YoloV5Loss.defaultMask());
        }
        float[][] anchors = YoloAnchorsLayout.anchors(sidecar);
        return new AnchorOptions(width, anchors, YoloAnchorsLayout.mask(sidecar, anchors.length));
    }
}
