package sparkdet.transforms;

import java.util.List;
import sparkdet.image.RgbImage;

/**
 * An image fitted into a size x size square ({@link Placement}: without distortion, centred, the
 * rest grey; or stretched): the square picture and what is needed to map boxes both ways, forward
 * for ground truth, back for detections.
 *
 * @param image the size x size result
 * @param placement where the picture lies in it
 */
public record Letterbox(RgbImage image, Placement placement) {

    public static Letterbox of(RgbImage source, int size) {
        return of(source, size, Pixels.GREY);
    }

    /** @param fill the grey level of the bars (0..255) */
    public static Letterbox of(RgbImage source, int size, int fill) {
        Placement p = Placement.letterbox(source.width(), source.height(), size);
        RgbImage square = Pixels.filled(size, size, fill);
        Pixels.paste(Pixels.resizeSmooth(source, p.contentWidth(), p.contentHeight()), square, p.offsetX(),
                p.offsetY(), Region.of(size, size));
        return new Letterbox(square, p);
    }

    /**
     * the image scaled to fill the square, each axis by its own factor: no bars, shapes distorted
     * (what a model trained on stretched inputs expects); boxes map both ways as for a letterbox
     */
    public static Letterbox stretched(RgbImage source, int size) {
        return new Letterbox(Pixels.resizeSmooth(source, size, size),
                Placement.stretched(source.width(), source.height(), size));
    }

    public int sourceWidth() {
        return placement.sourceWidth();
    }

    public int sourceHeight() {
        return placement.sourceHeight();
    }

    public double scale() {
        return placement.scale();
    }

    public int contentWidth() {
        return placement.contentWidth();
    }

    public int contentHeight() {
        return placement.contentHeight();
    }

    public int offsetX() {
        return placement.offsetX();
    }

    public int offsetY() {
        return placement.offsetY();
    }

    /** original pixels to input pixels, clipped to the picture; slivers (see {@link Region#MIN_SIDE}) dropped */
    public List<Box> toInput(List<Box> boxes) {
        return placement.toInput(boxes);
    }

    /** input pixels to original pixels, clipped to the original image: how detections go back */
    public Box toOriginal(Box box) {
        return placement.toOriginal(box);
    }
}
