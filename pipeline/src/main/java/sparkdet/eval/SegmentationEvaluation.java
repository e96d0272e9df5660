package sparkdet.eval;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import sparkdet.image.LabelMap;
import sparkdet.image.LabelPng;
import sparkdet.image.PixelLimit;
import sparkdet.io.HadoopConf;
import sparkdet.io.InputUnusableException;
import sparkdet.io.Storage;

/**
 * The confusion matrix of a list of mask pairs, summed on the driver by a few threads or in Spark
 * tasks; each thread or task reads and decodes its pairs and sums one matrix, and the matrices are
 * added (integers: the same matrix whatever the split).
 */
final class SegmentationEvaluation {
    private SegmentationEvaluation() {
    }

    /** on the driver: the pairs shared out to {@code threads} threads as each is ready for the next */
    static SegmentationConfusion local(List<MaskPair> pairs, int classes, Storage storage, PixelLimit limit,
                                       int threads) throws IOException {
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "segment-evaluate");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<SegmentationConfusion>> parts = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                parts.add(pool.submit(() -> sum(new Iterator<>() {
                    private int at = next.getAndIncrement();

                    @Override
                    public boolean hasNext() {
                        return at < pairs.size();
                    }

                    @Override
                    public MaskPair next() {
                        MaskPair p = pairs.get(at);
                        at = next.getAndIncrement();
                        return p;
                    }
                }, classes, storage, limit)));
            }
            SegmentationConfusion total = new SegmentationConfusion(classes);
            for (Future<SegmentationConfusion> part : parts) {
                total = total.plus(part.get());
            }
            return total;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while evaluating", e);
        } finally {
            // the other threads stop at their next pair once one has failed
            next.set(Integer.MAX_VALUE);
            pool.shutdownNow();
        }
    }

    /** in Spark tasks: the pairs in {@code partitions} slices, one matrix back from each */
    static SegmentationConfusion cluster(JavaSparkContext jsc, List<MaskPair> pairs, int classes, HadoopConf hadoop,
                                         PixelLimit limit, int partitions) {
        return jsc.parallelize(pairs, Math.max(1, Math.min(partitions, pairs.size())))
                .mapPartitions(slice -> List.of(sum(slice, classes, new Storage(hadoop.get()), limit)).iterator())
                .reduce(SegmentationConfusion::plus);
    }

    /** reads and adds each pair: what a thread or a task does */
    static SegmentationConfusion sum(Iterator<MaskPair> pairs, int classes, Storage storage, PixelLimit limit)
            throws IOException {
        SegmentationConfusion confusion = new SegmentationConfusion(classes);
        try (LabelPng.Decoder labels = new LabelPng.Decoder(); LabelPng.Decoder predictions = new LabelPng.Decoder()) {
            while (pairs.hasNext()) {
                MaskPair p = pairs.next();
                LabelMap label = read(storage, p.label(), "label", limit, labels);
                LabelMap prediction = read(storage, p.prediction(), "prediction", limit, predictions);
                confusion.add(p.index(), label, prediction, p.prediction());
            }
        }
        return confusion;
    }

    /**
     * a mask as class indices, in the decoder's buffer
     *
     * @throws InputUnusableException naming the file: missing, not a one-value-per-pixel PNG (an
     *     RGB mask), truncated or corrupt, larger than the pixel limit
     */
    static LabelMap read(Storage storage, String uri, String role, PixelLimit limit, LabelPng.Decoder decoder) {
        Path p = new Path(uri);
        try {
            return decoder.decode(storage.readBytes(p, maxFileBytes(limit)), p.toString(), limit);
        } catch (FileNotFoundException e) {
            throw new InputUnusableException(role + " mask " + p + " does not exist", e);
        } catch (IOException e) {
            throw new InputUnusableException(role + " mask " + e.getMessage(), e);
        }
    }

    /**
     * the largest mask file read: a PNG stored without compression takes a little more than a
     * byte per pixel, so twice the pixel limit (the header's size is checked before inflating)
     */
    private static long maxFileBytes(PixelLimit limit) {
        return Math.min(Integer.MAX_VALUE - 64L, 2 * limit.maxPixels() + (1 << 20));
    }
}
