package sparkdet.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PixelFormatTest {
    /** two pixels: (0, 51, 255) and (255, 102, 0) */
    private static final RgbImage IMAGE = new RgbImage(2, 1, new byte[] {0, 51, (byte) 255, (byte) 255, 102, 0});

    /** the YOLO repositories' input: RGB planes, v / 255, bit for bit as float division gives it */
    @Test
    void unitIsRgbOver255() {
        float[] planes = new float[6];
        PixelFormat.unit().table().toPlanes(IMAGE, planes, 0);
        assertThat(planes).containsExactly(0f, 1f, 51 / 255f, 102 / 255f, 1f, 0f);
    }

    /** BGR puts blue first; mean and std apply in the planes' order */
    @Test
    void bgrWithMeanAndStd() {
        PixelFormat f = new PixelFormat(PixelFormat.Channels.BGR, 1, new double[] {10, 20, 30}, new double[] {5, 1, 2});
        float[] planes = new float[1 + 6];
        f.table().toPlanes(IMAGE, planes, 1);
        assertThat(planes).containsExactly(0f, (255 - 10) / 5f, (0 - 10) / 5f, 51 - 20, 102 - 20, (0 - 30) / 2f,
                (255 - 30) / 2f);
    }

    @Test
    void refusesWhatCannotNormalise() {
        assertThatThrownBy(() -> PixelFormat.Channels.of("rgba")).hasMessageContaining("rgb or bgr");
        assertThatThrownBy(() -> new PixelFormat(PixelFormat.Channels.RGB, 1, new double[] {0, 0, 0},
                new double[] {1, 0, 1})).hasMessageContaining("not 0");
    }
}
