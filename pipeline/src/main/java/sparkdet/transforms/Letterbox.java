package sparkdet.transforms;

import java.util.List;
import sparkdet.image.RgbImage;

/**
 * An image fitted into a size x size square without distortion: scaled so that its longer side
 * fills the square, centred, the rest grey. Keeps what is needed to map boxes both ways: forward
 * for ground truth, back for detections.
 *
 * @param image the size x size result
 * @param sourceWidth width of the original image
 * @param sourceHeight height of the original image
 * @param scale the common scale factor, min(size / width, size / height)
 * @param contentWidth width of the scaled picture inside the square (whole pixels)
 * @param contentHeight height of the scaled picture inside the square
 * @param offsetX left edge of the picture in the square
 * @param offsetY top edge of the picture in the square
 */
public record Letterbox(RgbImage image, int sourceWidth, int sourceHeight, double scale,
                        int contentWidth, int contentHeight, int offsetX, int offsetY) {

    public static Letterbox of(RgbImage source, int size) {
        return of(source, size, Pixels.GREY);
    }

    /** @param fill the grey level of the bars (0..255) */
    public static Letterbox of(RgbImage source, int size, int fill) {
        int w = source.width();
        int h = source.height();
        double scale = Math.min((double) size / w, (double) size / h);
        // at least one pixel: a 1x2000 strip still has to land somewhere
        int cw = Math.max(1, (int) (w * scale));
        int ch = Math.max(1, (int) (h * scale));
        int dx = (size - cw) / 2;
        int dy = (size - ch) / 2;
        RgbImage square = Pixels.filled(size, size, fill);
        Pixels.paste(Pixels.resizeSmooth(source, cw, ch), square, dx, dy, Region.of(size, size));
        return new Letterbox(square, w, h, scale, cw, ch, dx, dy);
    }

    /**
     * the image scaled to fill the square, each axis by its own factor: no bars, shapes distorted
     * (what a model trained on stretched inputs expects); boxes map both ways as for a letterbox
     */
    public static Letterbox stretched(RgbImage source, int size) {
        return new Letterbox(Pixels.resizeSmooth(source, size, size), source.width(), source.height(),
                Math.min((double) size / source.width(), (double) size / source.height()), size, size, 0, 0);
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
