package sparkdet.transforms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import sparkdet.image.RgbImage;

class TrainTransformsTest {
    private static final int SIZE = 416;

    private static Sample dog() throws Exception {
        return new Sample(LetterboxTest.photo("dog.jpg"), List.of(
                new Box(124, 127, 574, 450, 3), new Box(128, 224, 314, 537, 1), new Box(463, 76, 690, 171, 4)));
    }

    private static Augmentation geometryOnly(double flip) {
        return new Augmentation(true, 0, 0, 0, 1, 1, flip, 0, 0, 0, 0);
    }

    /**
     * Without jitter and at scale 1 the 768x576 photo spans the full width, so a mirrored sample
     * is the unmirrored one reflected: pixels and boxes exactly.
     */
    @Test
    void flipMirrorsPixelsAndBoxesExactly() throws Exception {
        Sample plain = TrainTransforms.single(dog(), SIZE, geometryOnly(0), new SplittableRandom(7));
        Sample flipped = TrainTransforms.single(dog(), SIZE, geometryOnly(1), new SplittableRandom(7));
        assertThat(flipped.image().rgb()).isEqualTo(Pixels.mirrored(plain.image()).rgb());
        assertThat(flipped.image().rgb()).isNotEqualTo(plain.image().rgb());
        List<Box> mirrored = plain.boxes().stream().map(b -> b.mirrored(SIZE)).toList();
        assertThat(flipped.boxes()).containsExactlyElementsOf(mirrored);
        assertThat(flipped.boxes()).hasSize(3);
    }

    /** MixUp: every byte the rounded mean of the two pictures' bytes, the boxes of both in order */
    @Test
    void mixupAveragesThePicturesAndKeepsBothImagesBoxes() throws Exception {
        Sample dog = TrainTransforms.single(dog(), SIZE, geometryOnly(0), new SplittableRandom(3));
        Sample person = TrainTransforms.single(new Sample(LetterboxTest.photo("person.jpg"),
                List.of(new Box(190, 97, 274, 381, 0))), SIZE, geometryOnly(0), new SplittableRandom(4));
        Sample mixed = TrainTransforms.mixup(dog, person);
        byte[] a = dog.image().rgb();
        byte[] b = person.image().rgb();
        byte[] m = mixed.image().rgb();
        assertThat(m).hasSameSizeAs(a);
        for (int i = 0; i < m.length; i++) {
            assertThat(m[i] & 0xff).isEqualTo(((a[i] & 0xff) + (b[i] & 0xff) + 1) / 2);
        }
        assertThat(mixed.boxes()).hasSize(4).startsWith(dog.boxes().toArray(Box[]::new))
                .endsWith(person.boxes().get(0));
        Sample small = new Sample(Pixels.filled(8, 8, Pixels.GREY), List.of());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> TrainTransforms.mixup(dog, small))
                .hasMessageContaining("one size");
    }

    @Test
    void augmentedBoxesStayInsideWithTheirClasses() throws Exception {
        Sample dog = dog();
        Sample person = new Sample(LetterboxTest.photo("person.jpg"), List.of(
                new Box(190, 97, 274, 381, 0), new Box(60, 263, 203, 347, 1), new Box(404, 139, 576, 346, 2)));
        Augmentation aug = Augmentation.defaults();
        int kept = 0;
        Set<Integer> classes = new HashSet<>();
        for (int seed = 0; seed < 40; seed++) {
            SplittableRandom rng = new SplittableRandom(seed);
            Sample s = seed % 2 == 0
                    ? TrainTransforms.single(seed % 4 == 0 ? dog : person, SIZE, aug, rng)
                    : TrainTransforms.mosaic(List.of(dog, person, dog, person), SIZE, aug, rng);
            assertThat(s.image().width()).isEqualTo(SIZE);
            assertThat(s.image().height()).isEqualTo(SIZE);
            for (Box b : s.boxes()) {
                assertThat(b.x1()).isBetween(0f, (float) SIZE);
                assertThat(b.y1()).isBetween(0f, (float) SIZE);
                assertThat(b.x2()).isBetween(0f, (float) SIZE);
                assertThat(b.y2()).isBetween(0f, (float) SIZE);
                assertThat(b.width()).as("%s", b).isGreaterThanOrEqualTo(1f);
                assertThat(b.height()).as("%s", b).isGreaterThanOrEqualTo(1f);
                classes.add(b.classIndex());
            }
            kept += s.boxes().size();
        }
        assertThat(classes).isSubsetOf(0, 1, 2, 3, 4).contains(0, 1, 2, 3);
        assertThat(kept).as("most boxes survive").isGreaterThan(40);
    }

    /** four photos, each with a box around all of it under its own class: every one shows in the mosaic */
    @Test
    void mosaicTakesBoxesFromAllFourImages() throws Exception {
        List<Sample> four = List.of(whole("dog.jpg", 0), whole("horses.jpg", 1), whole("person.jpg", 2),
                whole("giraffe.jpg", 3));
        for (int seed = 0; seed < 5; seed++) {
            Sample m = TrainTransforms.mosaic(four, SIZE, Augmentation.defaults(), new SplittableRandom(seed));
            assertThat(m.boxes()).extracting(Box::classIndex).containsExactlyInAnyOrder(0, 1, 2, 3);
            // the four boxes tile the input around the cross: they share no area
            double area = m.boxes().stream().mapToDouble(b -> b.width() * b.height()).sum();
            assertThat(area).isLessThanOrEqualTo(SIZE * SIZE);
        }
    }

    private static Sample whole(String photo, int cls) throws Exception {
        RgbImage img = LetterboxTest.photo(photo);
        return new Sample(img, List.of(new Box(0, 0, img.width(), img.height(), cls)));
    }

    @Test
    void sameSeedSameSample() throws Exception {
        Sample a = TrainTransforms.single(dog(), SIZE, Augmentation.defaults(), new SplittableRandom(3));
        Sample b = TrainTransforms.single(dog(), SIZE, Augmentation.defaults(), new SplittableRandom(3));
        Sample c = TrainTransforms.single(dog(), SIZE, Augmentation.defaults(), new SplittableRandom(4));
        assertThat(a.image().rgb()).isEqualTo(b.image().rgb());
        assertThat(a.boxes()).isEqualTo(b.boxes());
        assertThat(a.image().rgb()).isNotEqualTo(c.image().rgb());
    }

    /** saturation 0 leaves grey; value 0.5 halves the brightness; gains of 1 change almost nothing */
    @Test
    void hsvGainsActOnTheRightChannels() throws Exception {
        RgbImage dog = LetterboxTest.photo("dog.jpg");
        RgbImage grey = Pixels.hsvScaled(dog, 1, 0, 1);
        for (int p = 0; p < grey.rgb().length; p += 3) {
            assertThat(grey.rgb()[p]).isEqualTo(grey.rgb()[p + 1]).isEqualTo(grey.rgb()[p + 2]);
        }
        assertThat(mean(Pixels.hsvScaled(dog, 1, 1, 0.5))).isCloseTo(mean(dog) / 2, offset(2.0));
        assertThat(mean(Pixels.hsvScaled(dog, 1, 1, 1))).isCloseTo(mean(dog), offset(1.0));
    }

    private static double mean(RgbImage img) {
        long sum = 0;
        for (byte b : img.rgb()) {
            sum += b & 0xff;
        }
        return (double) sum / img.rgb().length;
    }

    @Test
    void pasteClipsToTheRegion() {
        RgbImage src = Pixels.filled(10, 10, 200);
        RgbImage dst = Pixels.filled(20, 20, 0);
        Pixels.paste(src, dst, -5, 15, new Region(0, 0, 20, 18));
        for (int y = 0; y < 20; y++) {
            for (int x = 0; x < 20; x++) {
                boolean inside = x < 5 && y >= 15 && y < 18;
                assertThat(dst.rgb()[(y * 20 + x) * 3] & 0xff).as("%d,%d", x, y).isEqualTo(inside ? 200 : 0);
            }
        }
    }
}
