package sparkdet.transforms;

import java.util.List;

/**
 * Where a picture lands in a network's size x size input: scaled to contentWidth x contentHeight
 * (whole pixels) at (offsetX, offsetY), the rest bars. The geometry of a {@link Letterbox} without
 * its pixels, which is all the detect path needs to map boxes and masks back: predict writes the
 * scaled picture straight into the network's planes instead of building the square image.
 *
 * @param sourceWidth width of the original picture
 * @param sourceHeight height of the original picture
 * @param scale the common scale factor of a letterbox, min(size / width, size / height)
 */
public record Placement(int sourceWidth, int sourceHeight, double scale, int contentWidth, int contentHeight,
                        int offsetX, int offsetY) {

    /** scaled so that the longer side fills the square, centred: the YOLO repositories' letterbox_image */
    public static Placement letterbox(int width, int height, int size) {
        double scale = Math.min((double) size / width, (double) size / height);
        // at least one pixel: a 1x2000 strip still has to land somewhere
        int cw = Math.max(1, (int) (width * scale));
        int ch = Math.max(1, (int) (height * scale));
        return new Placement(width, height, scale, cw, ch, (size - cw) / 2, (size - ch) / 2);
    }

    /** scaled to fill the square, each axis by its own factor: no bars, shapes distorted */
    public static Placement stretched(int width, int height, int size) {
        return new Placement(width, height, Math.min((double) size / width, (double) size / height), size, size, 0, 0);
    }

    /** the picture was resized to whole pixels, so each axis has its own exact factor */
    public double scaleX() {
        return (double) contentWidth / sourceWidth;
    }

    public double scaleY() {
        return (double) contentHeight / sourceHeight;
    }

    /** original pixels to input pixels, clipped to the picture; slivers (see {@link Region#MIN_SIDE}) dropped */
    public List<Box> toInput(List<Box> boxes) {
        Region content = new Region(offsetX, offsetY, offsetX + contentWidth, offsetY + contentHeight);
        return content.place(boxes, scaleX(), scaleY(), offsetX, offsetY);
    }

    /** input pixels to original pixels, clipped to the original image: how detections go back */
    public Box toOriginal(Box box) {
        return box.scaled(1 / scaleX(), 1 / scaleY(), -offsetX / scaleX(), -offsetY / scaleY())
                .clipped(0, 0, sourceWidth, sourceHeight);
    }
}
