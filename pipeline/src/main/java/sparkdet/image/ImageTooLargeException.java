package sparkdet.image;

import java.io.IOException;

/** An image (or video frame) whose declared size is above the {@link PixelLimit}, refused undecoded. */
public final class ImageTooLargeException extends IOException {
    private static final long serialVersionUID = 1L;

    public ImageTooLargeException(String message) {
        super(message);
    }
}
