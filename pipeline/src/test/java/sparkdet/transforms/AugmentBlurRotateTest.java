package sparkdet.transforms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import sparkdet.image.LabelMap;
import sparkdet.image.RgbImage;

/**
 * The segmentation references' Gaussian blur and rotation (deeplabv3-plus-pytorch's and
 * pspnet-pytorch's get_random_data): byte for byte what their cv2 calls give (expected arrays
 * written by scripts/make_augment_fixture.py with OpenCV's Python bindings), applied in the
 * single-image path to picture and mask alike, and nothing changed for recipes without them.
 */
class AugmentBlurRotateTest {
    private static final Path FIXTURE = Path.of("src/test/resources/fixtures/augment_blur_rotate.json");
    private static final int SIZE = 64;

    private static JsonNode cases() throws Exception {
        JsonNode cases = new ObjectMapper().readTree(FIXTURE.toFile()).get("cases");
        assertThat(cases.size()).isEqualTo(2);
        return cases;
    }

    private static byte[] bytes(JsonNode node) {
        return Base64.getDecoder().decode(node.asText());
    }

    @Test
    void blurIsCv2GaussianBlurFiveByFiveSigmaZero() throws Exception {
        for (JsonNode c : cases()) {
            int side = c.get("side").asInt();
            RgbImage image = new RgbImage(side, side, bytes(c.get("image")));
            assertThat(Pixels.blurred(image).rgb()).as("side " + side).isEqualTo(bytes(c.get("blurred")));
        }
    }

    /** the odd side puts the centre at w // 2, half a pixel off the middle, as the reference does (PSPNet's 473) */
    @Test
    void rotationIsCv2WarpAffineWithTheReferencesFlagsAndBorders() throws Exception {
        int checked = 0;
        for (JsonNode c : cases()) {
            int side = c.get("side").asInt();
            RgbImage image = new RgbImage(side, side, bytes(c.get("image")));
            LabelMap mask = new LabelMap(side, side, bytes(c.get("mask")));
            for (JsonNode r : c.get("rotations")) {
                int degrees = r.get("degrees").asInt();
                String what = "side " + side + ", " + degrees + " degrees";
                assertThat(Pixels.rotated(image, degrees).rgb()).as(what).isEqualTo(bytes(r.get("image")));
                assertThat(Masks.rotated(mask, degrees).pixels()).as(what).isEqualTo(bytes(r.get("mask")));
                checked++;
            }
        }
        assertThat(checked).isEqualTo(5);
    }

    /** a 150x110 picture: a gradient with a reddish disc (class 1), a strip of class 2, ignore (255) in a corner */
    static Sample pattern(boolean withMask) {
        int w = 150;
        int h = 110;
        byte[] rgb = new byte[w * h * 3];
        byte[] mask = new byte[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                boolean disc = (x - 60) * (x - 60) + (y - 50) * (y - 50) < 900;
                int p = y * w + x;
                rgb[3 * p] = (byte) (disc ? 210 : x * 255 / w);
                rgb[3 * p + 1] = (byte) (disc ? 40 : y * 255 / h);
                rgb[3 * p + 2] = (byte) ((x * 7 + y * 13) % 256);
                mask[p] = (byte) (disc ? 1 : x > 130 && y > 90 ? 255 : x < 20 ? 2 : 0);
            }
        }
        return new Sample(new RgbImage(w, h, rgb), List.of(new Box(30, 20, 90, 80, 1), new Box(120, 5, 149, 40, 0)),
                withMask ? new LabelMap(w, h, mask) : null);
    }

    /** the reference's jitter, scale, flip; no colour change, so blur and rotation show alone */
    private static Augmentation noColour(double blur, double rotate, int degrees) {
        return new Augmentation(true, 0, 0, 0.3, 0.25, 2.0, 0.5, 0, 0, 0, 0, blur, rotate, degrees);
    }

    @Test
    void aBlurredSampleIsThePlainSampleBlurred() {
        for (int seed = 0; seed < 4; seed++) {
            Sample plain = TrainTransforms.single(pattern(true), SIZE, noColour(0, 0, 10), new SplittableRandom(seed));
            Sample blurred = TrainTransforms.single(pattern(true), SIZE, noColour(1, 0, 10),
                    new SplittableRandom(seed));
            assertThat(blurred.image().rgb()).isEqualTo(Pixels.blurred(plain.image()).rgb())
                    .isNotEqualTo(plain.image().rgb());
            assertThat(blurred.mask().pixels()).isEqualTo(plain.mask().pixels());
            assertThat(blurred.boxes()).isEqualTo(plain.boxes());
        }
    }

    /**
     * with probability 1 every sample is the plain one turned, picture and mask by one angle within
     * +-degrees; the mask keeps the source's classes and gains only the background outside
     */
    @Test
    void aRotatedSampleIsThePlainSampleTurnedWithItsMask() {
        Set<Integer> sourceValues = values(pattern(true).mask());
        Set<Integer> angles = new HashSet<>();
        for (int seed = 0; seed < 30; seed++) {
            Sample plain = TrainTransforms.single(pattern(true), SIZE, noColour(0, 0, 3), new SplittableRandom(seed));
            Sample turned = TrainTransforms.single(pattern(true), SIZE, noColour(0, 1, 3), new SplittableRandom(seed));
            Integer angle = null;
            for (int d = -3; d <= 3 && angle == null; d++) {
                if (java.util.Arrays.equals(turned.image().rgb(), Pixels.rotated(plain.image(), d).rgb())) {
                    angle = d;
                }
            }
            assertThat(angle).as("seed " + seed + ": the picture turned by a whole angle in -3..3").isNotNull();
            angles.add(angle);
            assertThat(turned.mask().pixels()).as("seed " + seed)
                    .isEqualTo(Masks.rotated(plain.mask(), angle).pixels());
            assertThat(values(turned.mask())).as("seed " + seed).isSubsetOf(union(sourceValues, Masks.FILL));
            // the dataset's boxes are not turned: the turned segmentation sample has none
            assertThat(turned.boxes()).isEmpty();
        }
        assertThat(angles).as("angles drawn uniformly from -3..3").contains(-3, 3);
        // a turn by 10 degrees moves the mask's corners out of the frame: background comes in there
        Sample plain = TrainTransforms.single(pattern(true), SIZE, noColour(0, 0, 10), new SplittableRandom(5));
        LabelMap turned = Masks.rotated(plain.mask(), 10);
        assertThat(turned.pixels()).isNotEqualTo(plain.mask().pixels());
        assertThat(values(turned)).isSubsetOf(union(values(plain.mask()), Masks.FILL));
    }

    /**
     * both on: the plain sample blurred, then turned; the draws in the reference's order, between the
     * placement's and the colour chance: blur chance, rotation chance, angle (numpy's randint(-10, 11))
     */
    @Test
    void drawsFollowTheReferencesOrderBlurThenRotationThenAngle() {
        Sample noBoxes = new Sample(pattern(true).image(), List.of(), pattern(true).mask());
        for (int seed = 0; seed < 6; seed++) {
            Recording plainDraws = new Recording(seed);
            Sample plain = TrainTransforms.single(noBoxes, SIZE, noColour(0, 0, 10), plainDraws);
            Recording bothDraws = new Recording(seed);
            Sample both = TrainTransforms.single(noBoxes, SIZE, noColour(1, 1, 10), bothDraws);
            // the plain sample's draws end with the colour chance (no boxes to shuffle)
            List<String> placement = plainDraws.calls.subList(0, plainDraws.calls.size() - 1);
            assertThat(plainDraws.calls.get(plainDraws.calls.size() - 1)).isEqualTo("nextDouble");
            List<String> expected = new ArrayList<>(placement);
            expected.addAll(List.of("nextDouble", "nextDouble", "nextInt(21)", "nextDouble"));
            assertThat(bothDraws.calls).as("seed " + seed).isEqualTo(expected);
            int angle = bothDraws.ints.get(bothDraws.ints.size() - 1) - 10;
            assertThat(both.image().rgb()).as("seed " + seed)
                    .isEqualTo(Pixels.rotated(Pixels.blurred(plain.image()), angle).rgb());
            assertThat(both.mask().pixels()).isEqualTo(Masks.rotated(plain.mask(), angle).pixels());
        }
    }

    /** a SplittableRandom that notes which draws were taken, and the whole numbers it gave */
    private static final class Recording implements RandomGenerator {
        final SplittableRandom rng;
        final List<String> calls = new ArrayList<>();
        final List<Integer> ints = new ArrayList<>();

        Recording(long seed) {
            rng = new SplittableRandom(seed);
        }

        @Override
        public long nextLong() {
            calls.add("nextLong");
            return rng.nextLong();
        }

        @Override
        public double nextDouble() {
            calls.add("nextDouble");
            return rng.nextDouble();
        }

        @Override
        public int nextInt(int bound) {
            calls.add("nextInt(" + bound + ")");
            int v = rng.nextInt(bound);
            ints.add(v);
            return v;
        }
    }

    /**
     * with both switches at 0 every sample is what sparkdet made before they existed (CRC32 of the
     * pixels, mask and boxes printed by the code of commit aa4ca47): no draw is taken for them
     */
    @Test
    void switchesAtZeroLeaveEverySampleAsItWas() {
        Augmentation withColour = new Augmentation(true, 0, 0, 0.3, 0.25, 2.0, 0.5, 1.0, 0.1, 0.7, 0.3, 0, 0, 10);
        long[] boxesOnly = {0x620a2171L, 0xd101b346L, 0xeacfc925L, 0x7795de2eL};
        long[] withMask = {0xcdc9558eL, 0xa5af5f1aL, 0xf12ea155L, 0x8b0f0d8aL};
        for (int seed = 0; seed < 4; seed++) {
            assertThat(crc(TrainTransforms.single(pattern(false), SIZE, withColour, new SplittableRandom(seed))))
                    .as("boxes, seed " + seed).isEqualTo(boxesOnly[seed]);
            assertThat(crc(TrainTransforms.single(pattern(true), SIZE, withColour, new SplittableRandom(seed))))
                    .as("mask, seed " + seed).isEqualTo(withMask[seed]);
        }
        assertThat(new Augmentation(true, 0, 0, 0.3, 0.25, 2.0, 0.5, 1.0, 0.1, 0.7, 0.3)).isEqualTo(withColour);
    }

    @Test
    void blurTakesBoxesButRotationRefusesASampleWithoutAMask() {
        Sample blurred = TrainTransforms.single(pattern(false), SIZE, noColour(1, 0, 10), new SplittableRandom(1));
        assertThat(blurred.mask()).isNull();
        assertThatThrownBy(() -> TrainTransforms.single(pattern(false), SIZE, noColour(0, 0.25, 10),
                new SplittableRandom(1))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("augment.rotate-probability is for segmentation models (masks); boxes would "
                        + "need re-fitting");
    }

    @Test
    void switchesOutOfRangeAreRefused() {
        assertThatThrownBy(() -> noColour(1.5, 0, 10)).hasMessageContaining("blurProbability must lie in [0, 1]");
        assertThatThrownBy(() -> noColour(0, -0.1, 10)).hasMessageContaining("rotateProbability must lie in [0, 1]");
        assertThatThrownBy(() -> noColour(0, 0.25, 181)).hasMessageContaining("rotateDegrees must lie in [0, 180]");
        assertThatThrownBy(() -> noColour(0, 0.25, -1)).hasMessageContaining("rotateDegrees must lie in [0, 180]");
        assertThat(noColour(0.25, 0.25, 0).rotateDegrees()).isZero();
    }

    private static Set<Integer> values(LabelMap mask) {
        Set<Integer> out = new HashSet<>();
        for (byte b : mask.pixels()) {
            out.add(b & 0xFF);
        }
        return out;
    }

    private static Set<Integer> union(Set<Integer> values, int extra) {
        Set<Integer> out = new HashSet<>(values);
        out.add(extra);
        return out;
    }

    private static long crc(Sample s) {
        CRC32 c = new CRC32();
        c.update(s.image().rgb());
        if (s.mask() != null) {
            c.update(s.mask().pixels());
        }
        for (Box b : s.boxes()) {
            c.update(b.toString().getBytes(StandardCharsets.UTF_8));
        }
        return c.getValue();
    }
}
