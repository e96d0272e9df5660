package sparkdet.transforms;

/** An object's box, corners in pixels of the image it lies on, and its class index. */
public record Box(float x1, float y1, float x2, float y2, int classIndex) {
    public float width() {
        return x2 - x1;
    }

    public float height() {
        return y2 - y1;
    }

    /** the box after the image was scaled by (sx, sy) and then moved by (dx, dy) */
    public Box scaled(double sx, double sy, double dx, double dy) {
        return new Box((float) (x1 * sx + dx), (float) (y1 * sy + dy), (float) (x2 * sx + dx),
                (float) (y2 * sy + dy), classIndex);
    }

    /** the box after its image, {@code imageWidth} wide, was mirrored left to right */
    public Box mirrored(float imageWidth) {
        return new Box(imageWidth - x2, y1, imageWidth - x1, y2, classIndex);
    }

    public Box clipped(float left, float top, float right, float bottom) {
        return new Box(clamp(x1, left, right), clamp(y1, top, bottom), clamp(x2, left, right),
                clamp(y2, top, bottom), classIndex);
    }

    /** x1, y1, x2, y2, class: the row layout of {@code Batch.boxes} */
    public float[] toRow() {
        return new float[] {x1, y1, x2, y2, classIndex};
    }

    private static float clamp(float v, float lo, float hi) {
        return Math.max(lo, Math.min(hi, v));
    }
}
