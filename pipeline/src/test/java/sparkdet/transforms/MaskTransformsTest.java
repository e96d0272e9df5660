package sparkdet.transforms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import sparkdet.image.LabelMap;
import sparkdet.image.RgbImage;

/** A mask moves with its picture: wherever the augmented mask says "object", the picture shows it. */
class MaskTransformsTest {
    private static final int SIZE = 96;

    /** a 120x70 grey picture with a red rectangle, and its mask: 1 on the rectangle, 0 elsewhere, 255 in one corner */
    private static Sample redRectangle() {
        int w = 120;
        int h = 70;
        byte[] rgb = new byte[w * h * 3];
        byte[] mask = new byte[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                boolean inside = x >= 20 && x < 75 && y >= 10 && y < 50;
                rgb[3 * (y * w + x)] = (byte) (inside ? 220 : 90);
                rgb[3 * (y * w + x) + 1] = (byte) (inside ? 30 : 90);
                rgb[3 * (y * w + x) + 2] = (byte) (inside ? 30 : 90);
                mask[y * w + x] = (byte) (inside ? 1 : x > 110 && y > 60 ? 255 : 0);
            }
        }
        return new Sample(new RgbImage(w, h, rgb), List.of(), new LabelMap(w, h, mask));
    }

    @Test
    void augmentedMasksCoverTheirObjectsAndNeverBlendClasses() {
        Augmentation aug = new Augmentation(true, 0, 0, 0.3, 0.25, 2.0, 0.5, 1.0, 0.1, 0.7, 0.3);
        for (int seed = 0; seed < 20; seed++) {
            Sample s = TrainTransforms.single(redRectangle(), SIZE, aug, new SplittableRandom(seed));
            assertRedWhereTheMaskSaysObject(s, "seed " + seed);
        }
    }

    @Test
    void letterboxedMasksLieOnTheirPicturesWithBackgroundAround() {
        Sample s = TrainTransforms.letterboxed(redRectangle(), SIZE);
        assertRedWhereTheMaskSaysObject(s, "letterbox");
        // 120x70 fits as 96x56, centred: rows 0..19 are bars, background in the mask
        assertThat(s.mask().at(50, 5)).isEqualTo(Masks.FILL);
        assertThat(s.mask().at(50, 30)).isEqualTo(1);
        assertThat(s.mask().at(95, 70)).isEqualTo(255);
    }

    @Test
    void mosaicsRefuseMasks() {
        Sample m = redRectangle();
        assertThatThrownBy(() -> TrainTransforms.mosaic(List.of(m, m, m, m), SIZE, Augmentation.defaults(),
                new SplittableRandom(1))).hasMessageContaining("train.mosaic");
        assertThatThrownBy(() -> TrainTransforms.mixup(m, m)).hasMessageContaining("mixup");
    }

    @Test
    void nearestResizePicksThePixelUnderEachCentre() {
        LabelMap map = new LabelMap(4, 1, new byte[] {0, 1, 2, 3});
        assertThat(Masks.resizeNearest(map, 8, 2).pixels()).containsExactly(0, 0, 1, 1, 2, 2, 3, 3, 0, 0, 1, 1, 2, 2,
                3, 3);
        assertThat(Masks.resizeNearest(map, 2, 1).pixels()).containsExactly(1, 3);
        assertThat(Masks.mirrored(map).pixels()).containsExactly(3, 2, 1, 0);
    }

    private static void assertRedWhereTheMaskSaysObject(Sample s, String what) {
        RgbImage image = s.image();
        LabelMap mask = s.mask();
        assertThat(mask.width()).isEqualTo(image.width());
        long objectPixels = 0;
        long redOnObject = 0;
        for (int p = 0; p < mask.pixels().length; p++) {
            int k = mask.pixels()[p] & 0xFF;
            assertThat(k).as(what).isIn(0, 1, 255);
            if (k == 1) {
                objectPixels++;
                int r = image.rgb()[3 * p] & 0xFF;
                int g = image.rgb()[3 * p + 1] & 0xFF;
                redOnObject += r > g + 40 ? 1 : 0;
            }
        }
        // edges blur in the picture's smooth resize, never in the mask's nearest one
        if (objectPixels > 20) {
            assertThat((double) redOnObject / objectPixels).as(what).isGreaterThan(0.85);
        }
    }
}
