package sparkdet.model;

/** Anchor boxes (w, h) in input pixels. */
public final class Anchors {
    private Anchors() {
    }

    /** the repository's model_data/yolo_anchors.txt for YOLOv4-tiny, sorted by area */
    public static float[][] yolov4TinyDefaults() {
        return new float[][] {{10, 14}, {23, 27}, {37, 58}, {81, 82}, {135, 169}, {344, 319}};
    }

    /** the anchors of each YOLOv4-tiny output, P5 then P4; anchor 3 serves both, anchor 0 neither */
    public static int[][] yolov4TinyMask() {
        return new int[][] {{3, 4, 5}, {1, 2, 3}};
    }
}
