package sparkdet.transforms;

import java.util.ArrayList;
import java.util.List;

/**
 * A rectangle of an image, [x0, x1) x [y0, y1) in pixels: where a placed picture may show and where
 * its boxes are clipped to.
 */
public record Region(int x0, int y0, int x1, int y1) {
    /**
     * boxes thinner than this in either direction after clipping are dropped: a sliver along an
     * edge is no object to learn from (the YOLO repositories drop them too)
     */
    public static final float MIN_SIDE = 1f;

    public static Region of(int width, int height) {
        return new Region(0, 0, width, height);
    }

    public int width() {
        return x1 - x0;
    }

    public int height() {
        return y1 - y0;
    }

    /** each box moved as its picture was (scale, then offset), clipped to this region; slivers dropped */
    public List<Box> place(List<Box> boxes, double sx, double sy, double dx, double dy) {
        List<Box> kept = new ArrayList<>(boxes.size());
        for (Box b : boxes) {
            Box c = b.scaled(sx, sy, dx, dy).clipped(x0, y0, x1, y1);
            if (c.width() >= MIN_SIDE && c.height() >= MIN_SIDE) {
                kept.add(c);
            }
        }
        return kept;
    }
}
