package sparkdet.viz;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.internal.chartpart.Chart;

/**
 * PNG files written with fast deflate: plots are flat colours that compress well anyway, and
 * the JDK's default (the slowest level) made 80 per-class curves take seconds.
 */
public final class Png {
    /** the JDK writer's quality q maps to deflate level 9 * (1 - q): 0.85 gives level 1 */
    private static final float QUALITY = 0.85f;

    private Png() {
    }

    public static void write(BufferedImage image, OutputStream out) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("png").next();
        ImageWriteParam param = writer.getDefaultWriteParam();
        param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        param.setCompressionQuality(QUALITY);
        try (ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(ios);
            writer.write(null, new IIOImage(image, null, null), param);
        } finally {
            writer.dispose();
        }
    }

    public static void write(Chart<?, ?> chart, OutputStream out) throws IOException {
        write(BitmapEncoder.getBufferedImage(chart), out);
    }
}
