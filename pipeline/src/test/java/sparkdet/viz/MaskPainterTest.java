package sparkdet.viz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import sparkdet.image.LabelMap;
import sparkdet.image.RgbImage;

class MaskPainterTest {
    private static final RgbImage PICTURE = new RgbImage(2, 1, new byte[] {100, (byte) 200, 50, 10, 20, 30});
    private static final LabelMap MAP = new LabelMap(2, 1, new byte[] {0, 1});

    /** the reference's mix_type 0, 1, 2 on a background pixel and a class-1 pixel (VOC's dark red, 128, 0, 0) */
    @Test
    void mixesAsTheReferencePredictDoes() {
        assertThat(MaskPainter.paint(PICTURE, MAP, MaskPainter.Mix.BLEND).rgb())
                .containsExactly(30, 60, 15, 93, 6, 9);
        assertThat(MaskPainter.paint(PICTURE, MAP, MaskPainter.Mix.MASK).rgb())
                .containsExactly(0, 0, 0, (byte) 128, 0, 0);
        assertThat(MaskPainter.paint(PICTURE, MAP, MaskPainter.Mix.CUTOUT).rgb())
                .containsExactly(0, 0, 0, 10, 20, 30);
        byte[] jpeg = MaskPainter.jpeg(PICTURE, MAP, MaskPainter.Mix.BLEND);
        assertThat(jpeg[0]).isEqualTo((byte) 0xFF);
        assertThat(jpeg[1]).isEqualTo((byte) 0xD8);
    }

    @Test
    void namesTheMixOptionsValues() {
        assertThat(MaskPainter.Mix.of("cutout")).isEqualTo(MaskPainter.Mix.CUTOUT);
        assertThatThrownBy(() -> MaskPainter.Mix.of("overlay")).hasMessage("--mix: blend, mask or cutout, not 'overlay'");
    }
}
