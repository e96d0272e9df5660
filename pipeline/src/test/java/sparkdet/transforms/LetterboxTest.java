package sparkdet.transforms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import sparkdet.image.ImageDecoder;
import sparkdet.image.RgbImage;
import sparkdet.testing.TestData;
import sparkdet.testing.TestSpark;

class LetterboxTest {
    static RgbImage photo(String name) throws Exception {
        Path p = TestData.require(TestData.DARKNET.resolve(name));
        return ImageDecoder.decode(Files.readAllBytes(p), p.toString(), TestSpark.pixelLimit());
    }

    /** dog.jpg is 768x576: 416 wide, 312 high, centred with 52-pixel grey bars above and below */
    @Test
    void dogFitsWithGreyBarsAboveAndBelow() throws Exception {
        Letterbox lb = Letterbox.of(photo("dog.jpg"), 416);
        assertThat(lb.scale()).isCloseTo(416.0 / 768, within(1e-12));
        assertThat(lb.contentWidth()).isEqualTo(416);
        assertThat(lb.contentHeight()).isEqualTo(312);
        assertThat(lb.offsetX()).isZero();
        assertThat(lb.offsetY()).isEqualTo(52);
        RgbImage img = lb.image();
        assertThat(img.width()).isEqualTo(416);
        assertThat(img.height()).isEqualTo(416);
        for (int y : new int[] {0, 51, 364, 415}) {
            for (int x = 0; x < 416; x++) {
                for (int c = 0; c < 3; c++) {
                    assertThat(img.rgb()[(y * 416 + x) * 3 + c] & 0xff).as("pixel %d,%d", x, y).isEqualTo(128);
                }
            }
        }
        int nonGrey = 0;
        for (int y : new int[] {52, 200, 363}) {
            for (int x = 0; x < 416; x++) {
                nonGrey += (img.rgb()[(y * 416 + x) * 3] & 0xff) != 128 ? 1 : 0;
            }
        }
        assertThat(nonGrey).as("the photo fills rows 52..363").isGreaterThan(3 * 416 / 2);
    }

    /** a portrait photo gets bars left and right instead */
    @Test
    void portraitGetsBarsAtTheSides() throws Exception {
        Letterbox lb = Letterbox.of(photo("scream.jpg"), 416);
        assertThat(lb.contentHeight()).isEqualTo(416);
        assertThat(lb.contentWidth()).isEqualTo(352 * 416 / 448);
        assertThat(lb.offsetX()).isEqualTo((416 - lb.contentWidth()) / 2);
        assertThat(lb.offsetY()).isZero();
        assertThat(lb.image().rgb()[0] & 0xff).isEqualTo(128);
    }

    @Test
    void boxesMapForwardAndBack() throws Exception {
        Letterbox lb = Letterbox.of(photo("dog.jpg"), 416);
        Box dog = new Box(128, 224, 314, 537, 1);
        List<Box> mapped = lb.toInput(List.of(dog));
        assertThat(mapped).hasSize(1);
        Box in = mapped.get(0);
        double s = 416.0 / 768;
        assertThat(in.x1()).isCloseTo((float) (128 * s), within(1e-4f));
        assertThat(in.y1()).isCloseTo((float) (224 * 312.0 / 576 + 52), within(1e-4f));
        assertThat(in.x2()).isCloseTo((float) (314 * s), within(1e-4f));
        assertThat(in.y2()).isCloseTo((float) (537 * 312.0 / 576 + 52), within(1e-4f));
        assertThat(in.classIndex()).isEqualTo(1);

        Box back = lb.toOriginal(in);
        assertThat(back.x1()).isCloseTo(128, within(1e-3f));
        assertThat(back.y1()).isCloseTo(224, within(1e-3f));
        assertThat(back.x2()).isCloseTo(314, within(1e-3f));
        assertThat(back.y2()).isCloseTo(537, within(1e-3f));
    }

    /** a detection reaching into the grey bars comes back clipped to the photo */
    @Test
    void mappingBackClipsToTheImage() throws Exception {
        Letterbox lb = Letterbox.of(photo("dog.jpg"), 416);
        Box back = lb.toOriginal(new Box(-5, 10, 420, 400, 2));
        assertThat(back).isEqualTo(new Box(0, 0, 768, 576, 2));
    }

    @Test
    void slimBoxesAreDroppedOnTheWayIn() throws Exception {
        Letterbox lb = Letterbox.of(photo("dog.jpg"), 416);
        // 1.5 original pixels become 0.8 input pixels
        assertThat(lb.toInput(List.of(new Box(10, 10, 11.5f, 100, 0)))).isEmpty();
        assertThat(lb.toInput(List.of(new Box(10, 10, 12, 100, 0)))).hasSize(1);
    }
}
