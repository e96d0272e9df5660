package sparkdet.batches;

import sparkdet.image.PixelFormat;
import sparkdet.image.PixelLimit;
import sparkdet.transforms.Augmentation;

/**
 * How a {@link BatchLoader} turns a shard into batches.
 *
 * @param batchSize images per batch
 * @param inputSize side of the square model input, in pixels
 * @param pixels how the model takes its pixels (its model.json's): batches hold what predict feeds it
 * @param augmentation the random augmentation, or {@link Augmentation#none()}
 * @param includeDifficult whether objects marked difficult are kept (VOC leaves them out of training)
 * @param seed with the epoch, fixes the order and every random draw
 * @param epoch the shard is reshuffled for each epoch
 * @param threads loader threads decoding and augmenting ahead of the consumer
 * @param dropLast whether a last, incomplete batch is left out (training: one odd small batch
 *                 would skew batch-norm statistics)
 * @param pixelLimit images whose header declares more pixels are skipped undecoded
 */
public record LoaderOptions(int batchSize, int inputSize, PixelFormat pixels, Augmentation augmentation,
                            boolean includeDifficult, long seed, int epoch, int threads, boolean dropLast,
                            PixelLimit pixelLimit) {
    public static final int DEFAULT_THREADS = 2;

    public LoaderOptions {
        if (batchSize < 1 || inputSize < 1 || threads < 1) {
            throw new IllegalArgumentException("batchSize, inputSize and threads must be positive, got "
                    + batchSize + ", " + inputSize + ", " + threads);
        }
    }

    public static LoaderOptions training(int batchSize, int inputSize, PixelFormat pixels, long seed, int epoch,
                                         PixelLimit pixelLimit) {
        return new LoaderOptions(batchSize, inputSize, pixels, Augmentation.defaults(), false, seed, epoch,
                DEFAULT_THREADS, true, pixelLimit);
    }

    public static LoaderOptions validation(int batchSize, int inputSize, PixelFormat pixels, PixelLimit pixelLimit) {
        return new LoaderOptions(batchSize, inputSize, pixels, Augmentation.none(), false, 0, 0, DEFAULT_THREADS,
                false, pixelLimit);
    }

    public LoaderOptions withEpoch(int newEpoch) {
        return new LoaderOptions(batchSize, inputSize, pixels, augmentation, includeDifficult, seed, newEpoch, threads,
                dropLast, pixelLimit);
    }

    public LoaderOptions withAugmentation(Augmentation newAugmentation) {
        return new LoaderOptions(batchSize, inputSize, pixels, newAugmentation, includeDifficult, seed, epoch, threads,
                dropLast, pixelLimit);
    }

    public LoaderOptions withIncludeDifficult(boolean include) {
        return new LoaderOptions(batchSize, inputSize, pixels, augmentation, include, seed, epoch, threads, dropLast,
                pixelLimit);
    }

    public LoaderOptions withThreads(int newThreads) {
        return new LoaderOptions(batchSize, inputSize, pixels, augmentation, includeDifficult, seed, epoch, newThreads,
                dropLast, pixelLimit);
    }
}
