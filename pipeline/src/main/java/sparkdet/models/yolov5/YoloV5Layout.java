package sparkdet.models.yolov5;

import com.typesafe.config.Config;
import sparkdet.model.SidecarLayout;
import sparkdet.models.yolo.AnchorOptions;
import sparkdet.models.yolo.YoloAnchorDecoder;
import sparkdet.postprocess.OutputDecoder;

/**
 * The sidecar layout {@code yolov5} (DESIGN.md): YOLOv5/v7 raw heads, one output per scale from
 * stride 32 to 8 as the reference orders them, the yolo-anchors tensor layout with YOLOv5's box
 * equations. {@code anchors} default to the reference's 9 COCO anchors and {@code anchors-mask}
 * to its [[6,7,8],[3,4,5],[0,1,2]].
 */
public final class YoloV5Layout implements SidecarLayout {
    public static final String NAME = "yolov5";
    /** the reference's anchors and mask where a sidecar gives none */
    private static final YoloV5Family FAMILY = new YoloV5Family();

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public OutputDecoder decoder(Config sidecar, int classes, int inputSize) {
        AnchorOptions o = FAMILY.sidecarAnchors(sidecar, 1.0);
        return new YoloAnchorDecoder(YoloAnchorDecoder.BoxForm.YOLOV5, o.anchors(), o.anchorsMask(), classes,
                inputSize, inputSize);
    }
}
