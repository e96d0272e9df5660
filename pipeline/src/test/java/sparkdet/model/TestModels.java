package sparkdet.model;

import java.util.ArrayList;
import java.util.List;
import sparkdet.data.ClassList;
import sparkdet.image.PixelFormat;
import sparkdet.models.yolov4tiny.YoloV4TinyFamily;
import sparkdet.models.yolo.AnchorOptions;
import sparkdet.models.yolov4tiny.YoloV4TinyFamily;
import sparkdet.transforms.Resize;

/** Descriptions and networks of the one family trained so far (YOLOv4-tiny), for tests of the generic parts. */
public final class TestModels {
    private TestModels() {
    }

    /** the reference repository's YOLOv4-tiny anchors */
    public static float[][] defaultAnchors() {
        return new YoloV4TinyFamily().defaultOptions(1.0).anchors();
    }

    /** the reference repository's YOLOv4-tiny anchors mask, P5 then P4 */
    public static int[][] mask() {
        return new YoloV4TinyFamily().defaultOptions(1.0).anchorsMask();
    }

    public static ModelSpec yolov4Tiny(ClassList classes, double width, float[][] anchors, int inputHeight,
                                       int inputWidth) {
        return new ModelSpec(YoloV4TinyFamily.ARCHITECTURE, "phi0", Task.DETECT, classes, inputHeight, inputWidth,
                PixelFormat.unit(), Resize.LETTERBOX, new AnchorOptions(width, anchors, new YoloV4TinyFamily().defaultOptions(width).anchorsMask()));
    }

    /** classes named c0, c1, ..., the reference anchors, a square input */
    public static ModelSpec yolov4Tiny(int classes, double width, int inputSize) {
        List<String> names = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            names.add("c" + c);
        }
        return yolov4Tiny(new ClassList(names), width, defaultAnchors(), inputSize, inputSize);
    }

    /** a fresh YOLOv4-tiny network (its input size is the caller's: the weights do not depend on it) */
    public static Network network(int classes, double width) {
        return yolov4Tiny(classes, width, 64).newNetwork();
    }
}
