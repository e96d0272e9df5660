package sparkdet.batches;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sparkdet.data.ImageRecord;
import sparkdet.image.ImageDecoder;
import sparkdet.image.PixelFormat;
import sparkdet.image.PixelLimit;
import sparkdet.io.Storage;
import sparkdet.transforms.Augmentation;
import sparkdet.transforms.Box;
import sparkdet.transforms.Letterbox;
import sparkdet.testing.Bombs;
import sparkdet.testing.TestSpark;

class BatchLoaderTest {
    private static final int SIZE = 416;

    @TempDir
    Path tmp;

    private static List<Batch> all(List<ImageRecord> shard, LoaderOptions options) {
        try (BatchLoader loader = new BatchLoader(shard, new Configuration(), options)) {
            List<Batch> out = new ArrayList<>();
            loader.forEachRemaining(out::add);
            return out;
        }
    }

    /** augmentation off: every image is the letterboxed photo / 255 in CHW order, every box the mapped truth */
    @Test
    void unaugmentedBatchesAreTheLetterboxInChwOrder() throws Exception {
        List<ImageRecord> shard = Shards.photos();
        Map<String, ImageRecord> byId = shard.stream().collect(Collectors.toMap(r -> r.imageId, r -> r));
        List<Batch> batches = all(shard, LoaderOptions.validation(3, SIZE, PixelFormat.unit(), TestSpark.pixelLimit()));
        assertThat(batches).extracting(Batch::count).containsExactly(3, 3, 2);
        int plane = SIZE * SIZE;
        List<String> seen = new ArrayList<>();
        for (Batch batch : batches) {
            assertThat(batch.size()).isEqualTo(SIZE);
            assertThat(batch.images()).hasSize(batch.count() * 3 * plane);
            for (int i = 0; i < batch.count(); i++) {
                ImageRecord r = byId.get(batch.imageIds().get(i));
                seen.add(r.imageId);
                Letterbox lb = Letterbox.of(ImageDecoder.decode(new Storage(new Configuration())
                        .readBytes(Storage.path(r.uri), Long.MAX_VALUE), r.uri, TestSpark.pixelLimit()), SIZE);
                byte[] rgb = lb.image().rgb();
                for (int c = 0; c < 3; c++) {
                    for (int p = 0; p < plane; p++) {
                        float expected = (rgb[3 * p + c] & 0xff) / 255f;
                        if (batch.images()[(i * 3 + c) * plane + p] != expected) {
                            throw new AssertionError(r.imageId + " channel " + c + " pixel " + p + ": "
                                    + batch.images()[(i * 3 + c) * plane + p] + " != " + expected);
                        }
                    }
                }
                List<Box> truth = r.objects.stream().filter(o -> !o.difficult)
                        .map(o -> new Box((float) o.xmin, (float) o.ymin, (float) o.xmax, (float) o.ymax, o.classIndex))
                        .toList();
                float[][] expectedRows = lb.toInput(truth).stream().map(Box::toRow).toArray(float[][]::new);
                assertThat(batch.boxes()[i]).as(r.imageId).isDeepEqualTo(expectedRows);
            }
        }
        assertThat(seen).containsExactlyInAnyOrderElementsOf(byId.keySet());
    }

    @Test
    void augmentedBatchesKeepBoxesInsideTheInput() throws Exception {
        List<ImageRecord> shard = Shards.photos();
        Set<Integer> known = shard.stream().flatMap(r -> r.objects.stream()).map(o -> o.classIndex)
                .collect(Collectors.toSet());
        int boxes = 0;
        for (int epoch = 0; epoch < 3; epoch++) {
            for (Batch batch : all(shard, LoaderOptions.training(4, SIZE, PixelFormat.unit(), 11, epoch, TestSpark.pixelLimit()))) {
                assertThat(batch.count()).isEqualTo(4);
                for (float v : batch.images()) {
                    if (!(v >= 0 && v <= 1)) {
                        throw new AssertionError("pixel value " + v + " outside [0, 1]");
                    }
                }
                for (float[][] image : batch.boxes()) {
                    for (float[] b : image) {
                        assertThat(b[0]).isBetween(0f, (float) SIZE);
                        assertThat(b[1]).isBetween(0f, (float) SIZE);
                        assertThat(b[2]).isBetween(0f, (float) SIZE);
                        assertThat(b[3]).isBetween(0f, (float) SIZE);
                        assertThat(b[2] - b[0]).isGreaterThanOrEqualTo(1f);
                        assertThat(b[3] - b[1]).isGreaterThanOrEqualTo(1f);
                        assertThat(known).contains((int) b[4]);
                        boxes++;
                    }
                }
            }
        }
        assertThat(boxes).isGreaterThan(10);
    }

    /** the same seed and epoch give byte-identical batches whatever the thread count; another epoch another order */
    @Test
    void batchesDependOnlyOnSeedAndEpoch() throws Exception {
        List<ImageRecord> shard = Shards.photos();
        LoaderOptions options = LoaderOptions.training(2, SIZE, PixelFormat.unit(), 5, 0, TestSpark.pixelLimit()).withAugmentation(
                Augmentation.defaults().withMosaicProbability(0.7).withMixupProbability(0.5));
        List<Batch> a = all(shard, options);
        List<Batch> b = all(shard, options);
        List<Batch> single = all(shard, options.withThreads(1));
        List<Batch> later = all(shard, options.withEpoch(1));
        assertThat(a).hasSize(4);
        for (List<Batch> other : List.of(b, single)) {
            assertThat(other).hasSameSizeAs(a);
            for (int i = 0; i < a.size(); i++) {
                assertThat(Arrays.equals(a.get(i).images(), other.get(i).images())).as("batch %d pixels", i).isTrue();
                assertThat(other.get(i).boxes()).isDeepEqualTo(a.get(i).boxes());
                assertThat(other.get(i).imageIds()).isEqualTo(a.get(i).imageIds());
            }
        }
        assertThat(ids(later)).containsExactlyInAnyOrderElementsOf(ids(a)).isNotEqualTo(ids(a));
    }

    /**
     * Mixup draws after the mosaic is made: with it on, each picture is the same mosaic blended with
     * one more image, its boxes the mosaic's (in the same order) followed by the other image's.
     */
    @Test
    void mixupBlendsTheSameMosaicWithOneMoreImage() throws Exception {
        List<ImageRecord> shard = Shards.photos();
        LoaderOptions mosaics = LoaderOptions.training(2, SIZE, PixelFormat.unit(), 5, 0, TestSpark.pixelLimit())
                .withAugmentation(Augmentation.defaults().withMosaicProbability(1));
        List<Batch> plain = all(shard, mosaics);
        List<Batch> mixed = all(shard, mosaics.withAugmentation(
                Augmentation.defaults().withMosaicProbability(1).withMixupProbability(1)));
        assertThat(mixed).hasSameSizeAs(plain);
        int added = 0;
        for (int i = 0; i < plain.size(); i++) {
            assertThat(mixed.get(i).imageIds()).isEqualTo(plain.get(i).imageIds());
            assertThat(Arrays.equals(mixed.get(i).images(), plain.get(i).images())).as("batch %d pixels", i).isFalse();
            for (int k = 0; k < plain.get(i).count(); k++) {
                float[][] before = plain.get(i).boxes()[k];
                float[][] after = mixed.get(i).boxes()[k];
                assertThat(Arrays.copyOf(after, before.length)).isDeepEqualTo(before);
                added += after.length - before.length;
            }
        }
        assertThat(added).as("boxes of the blended-in images").isGreaterThan(0);
    }

    private static List<String> ids(List<Batch> batches) {
        return batches.stream().flatMap(b -> b.imageIds().stream()).toList();
    }

    @Test
    void unusableImagesAreSkippedAndBatchesStayFull() throws Exception {
        byte[] dog = Files.readAllBytes(Shards.darknet("dog.jpg"));
        Path truncated = tmp.resolve("truncated.jpg");
        Files.write(truncated, Arrays.copyOf(dog, dog.length / 2));
        List<ImageRecord> shard = new ArrayList<>(Shards.photos());
        ImageRecord template = Shards.dog();
        shard.add(2, Shards.record(tmp.resolve("missing.jpg"), 768, 576, template.objects));
        shard.add(5, Shards.record(truncated, 768, 576, template.objects));
        LoaderOptions options = LoaderOptions.training(3, SIZE, PixelFormat.unit(), 1, 0, TestSpark.pixelLimit()).withAugmentation(
                Augmentation.defaults().withMosaicProbability(1));
        try (BatchLoader loader = new BatchLoader(shard, new Configuration(), options)) {
            List<Batch> batches = new ArrayList<>();
            loader.forEachRemaining(batches::add);
            // 10 records, 2 unusable: 8 images, two full batches of 3, the last 2 dropped
            assertThat(batches).extracting(Batch::count).containsExactly(3, 3);
            assertThat(ids(batches)).doesNotContain("missing", "truncated").doesNotHaveDuplicates();
            assertThat(loader.skipped()).isEqualTo(2);
        }
    }

    @Test
    void difficultObjectsOnlyWhenAsked() throws Exception {
        ImageRecord horses = Shards.photos().get(1);
        assertThat(horses.objects).filteredOn(o -> o.difficult).hasSize(1);
        LoaderOptions plain = LoaderOptions.validation(1, SIZE, PixelFormat.unit(), TestSpark.pixelLimit());
        assertThat(all(List.of(horses), plain).get(0).boxes()[0]).hasNumberOfRows(3);
        assertThat(all(List.of(horses), plain.withIncludeDifficult(true)).get(0).boxes()[0]).hasNumberOfRows(4);
    }

    /** a grayscale PNG comes out as three equal planes, in the photo's shape */
    @Test
    void grayscalePngBecomesThreeEqualChannels() throws Exception {
        BufferedImage photo = ImageIO.read(Shards.darknet("person.jpg").toFile());
        BufferedImage gray = new BufferedImage(photo.getWidth(), photo.getHeight(), BufferedImage.TYPE_BYTE_GRAY);
        gray.getGraphics().drawImage(photo, 0, 0, null);
        Path png = tmp.resolve("gray.png");
        ImageIO.write(gray, "png", png.toFile());
        ImageRecord r = Shards.record(png, photo.getWidth(), photo.getHeight(),
                List.of(Shards.object(Shards.PERSON, 190, 97, 274, 381, false)));
        Batch b = all(List.of(r), LoaderOptions.validation(1, SIZE, PixelFormat.unit(), TestSpark.pixelLimit())).get(0);
        int plane = SIZE * SIZE;
        assertThat(b.images()).hasSize(3 * plane);
        Map<Float, Integer> values = new HashMap<>();
        for (int p = 0; p < plane; p++) {
            float v = b.images()[p];
            assertThat(b.images()[plane + p]).isEqualTo(v);
            assertThat(b.images()[2 * plane + p]).isEqualTo(v);
            values.merge(v, 1, Integer::sum);
        }
        assertThat(values).as("grey levels of a photo, not a flat image").hasSizeGreaterThan(100);
        assertThat(b.boxes()[0]).hasNumberOfRows(1);
    }

    @Test
    void closeStopsTheThreads() throws Exception {
        BatchLoader loader = new BatchLoader(Shards.photos(), new Configuration(),
                LoaderOptions.training(1, SIZE, PixelFormat.unit(), 0, 0, TestSpark.pixelLimit()));
        try {
            assertThat(loader.next().count()).isEqualTo(1);
            assertThat(loaderThreads()).isNotEmpty();
        } finally {
            loader.close();
        }
        assertThat(loaderThreads()).isEmpty();
        assertThatThrownBy(loader::next).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    /**
     * issue 12, part 2: images above the loader's pixel limit are skipped from their header: a
     * decompression bomb, and here also dog.jpg (768x576), above a limit that horses.jpg (773x512) is under
     */
    @Test
    void imagesAboveThePixelLimitAreSkippedUndecoded() throws Exception {
        Path bomb = Files.write(tmp.resolve("bomb.png"), Bombs.png(30000, 30000));
        // the dataset may record any size: ingest's annotation said 500x375, the header says otherwise
        List<ImageRecord> shard = List.of(Shards.dog(), Shards.record(Shards.darknet("horses.jpg"), 773, 512,
                List.of()), Shards.record(bomb, 500, 375, List.of(Shards.object(Shards.DOG, 10, 10, 100, 100, false))));
        try (BatchLoader loader = new BatchLoader(shard, new Configuration(),
                LoaderOptions.validation(3, SIZE, PixelFormat.unit(), new PixelLimit(400_000)))) {
            Batch b = loader.next();
            assertThat(b.imageIds()).containsExactly("horses");
            assertThat(loader.hasNext()).isFalse();
            assertThat(loader.skipped()).isEqualTo(2);
        }
    }

    /** a bug is no unreadable image: it stops the loader and reaches the consumer */
    @Test
    void aBugInTheLoaderReachesTheConsumer() throws Exception {
        ImageSource broken = uri -> {
            throw new AssertionError("bug while reading " + uri);
        };
        try (BatchLoader loader = new BatchLoader(Shards.photos(), broken, LoaderOptions.validation(2, SIZE, PixelFormat.unit(), TestSpark.pixelLimit()))) {
            assertThatThrownBy(loader::hasNext).isInstanceOf(IllegalStateException.class)
                    .hasRootCauseInstanceOf(AssertionError.class).hasMessageContaining("bug while reading");
            assertThat(loader.skipped()).isZero();
        }
    }

    private static List<String> loaderThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(n -> n.startsWith("sparkdet-loader-")).toList();
    }

    @Test
    void emptyShardHasNoBatches() {
        assertThat(all(List.of(), LoaderOptions.training(2, SIZE, PixelFormat.unit(), 0, 0, TestSpark.pixelLimit()))).isEmpty();
    }
}
