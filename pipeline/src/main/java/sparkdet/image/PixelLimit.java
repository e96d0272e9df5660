package sparkdet.image;

import com.typesafe.config.Config;
import java.io.Serializable;

/**
 * The most pixels (width x height) an image or a video frame may have, {@value #SETTING}: every
 * reader of images (predict, train's loader, ingest's size checks, video, fps) refuses a larger one
 * from the size its header declares, before a pixel is decoded. A PNG of a few MB can declare
 * 30000x30000 pixels and take gigabytes (and tens of seconds) to decode.
 */
public record PixelLimit(long maxPixels) implements Serializable {
    public static final String SETTING = "sparkdet.images.max-pixels";

    public PixelLimit {
        if (maxPixels < 1) {
            throw new IllegalArgumentException(SETTING + " must be at least 1, not " + maxPixels);
        }
    }

    public static PixelLimit of(Config config) {
        return new PixelLimit(config.getLong(SETTING));
    }

    /**
     * @param name the image, for the message
     * @param declared what happens and where the size comes from, e.g. "refused undecoded: its header declares"
     * @throws ImageTooLargeException naming the image, its size and the setting
     */
    public void check(String name, String declared, long width, long height) throws ImageTooLargeException {
        if (width * height > maxPixels) {
            throw new ImageTooLargeException(name + ": " + declared + " " + width + "x" + height + " = "
                    + width * height + " pixels, more than " + SETTING + " = " + maxPixels);
        }
    }
}
