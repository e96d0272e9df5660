package sparkdet.transforms;

import java.util.Locale;
import sparkdet.image.RgbImage;

/** How a picture becomes a model's square input: model.json's and the sidecar's {@code resize}. */
public enum Resize {
    /** scaled without distortion, centred, grey bars (the YOLO repositories' letterbox_image) */
    LETTERBOX,
    /** scaled to fill the square, aspect ratio not kept */
    STRETCH;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Resize of(String label) {
        for (Resize r : values()) {
            if (r.label().equals(label)) {
                return r;
            }
        }
        throw new IllegalArgumentException("resize: letterbox or stretch, not '" + label + "'");
    }

    /** where a width x height picture lands in the size x size input */
    public Placement place(int width, int height, int size) {
        return this == LETTERBOX ? Placement.letterbox(width, height, size) : Placement.stretched(width, height, size);
    }

    /** @param fill the letterbox bars' grey level (0..255) */
    public Letterbox fit(RgbImage source, int size, int fill) {
        return this == LETTERBOX ? Letterbox.of(source, size, fill) : Letterbox.stretched(source, size);
    }
}
