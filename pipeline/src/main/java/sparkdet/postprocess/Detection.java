package sparkdet.postprocess;

/** One detected object: corners in pixels of the image it is given in, confidence, class index. */
public record Detection(float x1, float y1, float x2, float y2, float score, int classIndex) {
    float area() {
        return Math.max(0, x2 - x1) * Math.max(0, y2 - y1);
    }

    float iou(Detection o) {
        float w = Math.min(x2, o.x2) - Math.max(x1, o.x1);
        float h = Math.min(y2, o.y2) - Math.max(y1, o.y1);
        if (w <= 0 || h <= 0) {
            return 0;
        }
        float inter = w * h;
        return inter / (area() + o.area() - inter);
    }
}
