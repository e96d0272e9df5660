package sparkdet.batches;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sparkdet.data.BoxObject;
import sparkdet.data.ImageRecord;
import sparkdet.image.ImageDecoder;
import sparkdet.image.LabelMap;
import sparkdet.image.LabelPng;
import sparkdet.image.RgbImage;
import sparkdet.transforms.Augmentation;
import sparkdet.transforms.Box;
import sparkdet.transforms.Draws;
import sparkdet.transforms.Sample;
import sparkdet.transforms.TrainTransforms;

/**
 * One model input from one position of the epoch's order: reads and decodes the image (and, for
 * a mosaic, three partners from the shard, and for a mixup one more), then augments it. Safe to call from several threads;
 * the result depends only on the position and the options, never on which thread ran it or when.
 */
final class SampleMaker {
    private static final Logger LOG = LoggerFactory.getLogger(SampleMaker.class);
    private static final int MOSAIC_PARTNERS = 3;

    private final List<ImageRecord> shard;
    private final ImageSource source;
    private final LoaderOptions options;
    /** shard indices whose image could not be used: each is warned about and counted once */
    private final Set<Integer> unusable = ConcurrentHashMap.newKeySet();

    SampleMaker(List<ImageRecord> shard, ImageSource source, LoaderOptions options) {
        this.shard = shard;
        this.source = source;
        this.options = options;
    }

    int skipped() {
        return unusable.size();
    }

    /**
     * the sample for the epoch's position {@code position}, showing shard record {@code index};
     * empty when its image is unusable
     */
    Optional<Sample> make(int position, int index) {
        Optional<Sample> primary = load(index);
        Augmentation aug = options.augmentation();
        int size = options.inputSize();
        if (primary.isEmpty() || !aug.enabled()) {
            return primary.map(s -> TrainTransforms.letterboxed(s, size));
        }
        RandomGenerator rng = new SplittableRandom(Seeds.of(options.seed(), options.epoch(), position));
        if (Draws.chance(rng, aug.mosaicProbability())) {
            List<Sample> four = new ArrayList<>(4);
            four.add(primary.get());
            for (int partner : partners(index, rng)) {
                load(partner).ifPresent(four::add);
            }
            // a partner that cannot be read leaves this sample a single image, the same way every run
            if (four.size() == 4) {
                return Optional.of(mixedUp(TrainTransforms.mosaic(four, size, aug, rng), aug, rng));
            }
        }
        return Optional.of(TrainTransforms.single(primary.get(), size, aug, rng));
    }

    /**
     * the mosaic, or with mixup's chance the mosaic blended with one more record of the shard (any,
     * itself included, as the reference samples it), augmented as a single image; no draw at all
     * when mixup is off, so recipes without it see the random streams they always saw
     */
    private Sample mixedUp(Sample mosaic, Augmentation aug, RandomGenerator rng) {
        if (aug.mixupProbability() == 0 || !Draws.chance(rng, aug.mixupProbability())) {
            return mosaic;
        }
        Optional<Sample> other = load(rng.nextInt(shard.size()));
        return other.map(o -> TrainTransforms.mixup(mosaic, TrainTransforms.single(o, options.inputSize(), aug, rng)))
                .orElse(mosaic);
    }

    /** three other records of the shard, distinct where the shard is big enough */
    private int[] partners(int self, RandomGenerator rng) {
        int n = shard.size();
        int[] chosen = new int[MOSAIC_PARTNERS];
        for (int k = 0; k < MOSAIC_PARTNERS; k++) {
            if (n <= MOSAIC_PARTNERS) {
                chosen[k] = rng.nextInt(n);
                continue;
            }
            int pick;
            do {
                pick = rng.nextInt(n);
            } while (pick == self || contains(chosen, k, pick));
            chosen[k] = pick;
        }
        return chosen;
    }

    private static boolean contains(int[] values, int count, int v) {
        for (int i = 0; i < count; i++) {
            if (values[i] == v) {
                return true;
            }
        }
        return false;
    }

    private Optional<Sample> load(int index) {
        if (unusable.contains(index)) {
            return Optional.empty();
        }
        ImageRecord r = shard.get(index);
        try {
            RgbImage image = ImageDecoder.decode(source.read(r.uri), r.uri, options.pixelLimit());
            if (image.width() != r.width || image.height() != r.height) {
                // the boxes were drawn on an image of the recorded size: on this one they would be wrong
                throw new IOException("decodes to " + image.width() + "x" + image.height()
                        + " but the dataset records " + r.width + "x" + r.height);
            }
            return Optional.of(new Sample(image, boxes(r), r.hasMask() ? mask(r) : null));
        } catch (IOException | RuntimeException e) {
            if (e instanceof InterruptedIOException || Thread.currentThread().isInterrupted()) {
                throw new CancellationException("loader closed while reading " + r.uri);
            }
            if (unusable.add(index)) {
                LOG.warn("skipping image {} ({}): {}; {} of {} images skipped so far", r.imageId, r.uri,
                        e.getMessage(), unusable.size(), shard.size());
            }
            return Optional.empty();
        }
    }

    /** the record's mask, which must cover its picture pixel for pixel */
    private LabelMap mask(ImageRecord r) throws IOException {
        LabelMap mask = LabelPng.decode(source.read(r.maskUri), r.maskUri, options.pixelLimit());
        if (mask.width() != r.width || mask.height() != r.height) {
            throw new IOException("its mask " + r.maskUri + " is " + mask.width() + "x" + mask.height()
                    + ", the picture " + r.width + "x" + r.height);
        }
        return mask;
    }

    private List<Box> boxes(ImageRecord r) {
        List<Box> boxes = new ArrayList<>(r.objects.size());
        for (BoxObject o : r.objects) {
            if (!o.difficult || options.includeDifficult()) {
                boxes.add(new Box((float) o.xmin, (float) o.ymin, (float) o.xmax, (float) o.ymax, o.classIndex));
            }
        }
        return boxes;
    }
}
