package sparkdet.batches;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.conf.Configuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sparkdet.data.ImageRecord;
import sparkdet.image.PixelFormat;
import sparkdet.transforms.Draws;
import sparkdet.transforms.Sample;

/**
 * One epoch of a rank's shard as batches. Loader threads read, decode and augment samples ahead
 * of the consumer; an assembling thread takes them in the epoch's order and queues a few ready
 * batches. Images that cannot be used are skipped (warned about and counted) and the next one
 * fills their place, so batches stay full. The batches depend only on the shard and the options:
 * each sample draws from its own generator, seeded from (seed, epoch, position).
 */
public final class BatchLoader implements Iterator<Batch>, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BatchLoader.class);
    /** ready batches waiting for the consumer */
    private static final int QUEUED_BATCHES = 2;
    private static final long CLOSE_WAIT_SECONDS = 30;
    private static final AtomicInteger LOADERS = new AtomicInteger();

    private final List<ImageRecord> shard;
    private final LoaderOptions options;
    private final SampleMaker maker;
    private final ExecutorService workers;
    private final Thread assembler;
    /** every thread this loader started, joined on close: a pool's termination comes before its threads end */
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private final BlockingQueue<Item> ready = new ArrayBlockingQueue<>(QUEUED_BATCHES);
    private Item head;
    private volatile boolean closed;

    /** a queued batch, the end of the epoch (both null), or the error that stopped the loader */
    private record Item(Batch batch, Throwable error) {
        static final Item END = new Item(null, null);
    }

    public BatchLoader(List<ImageRecord> shard, Configuration conf, LoaderOptions options) {
        this(shard, ImageSource.hadoop(conf), options);
    }

    public BatchLoader(List<ImageRecord> shard, ImageSource source, LoaderOptions options) {
        this.shard = List.copyOf(shard);
        this.options = options;
        this.maker = new SampleMaker(this.shard, source, options);
        String name = "sparkdet-loader-" + LOADERS.incrementAndGet();
        AtomicInteger threadNo = new AtomicInteger();
        this.workers = Executors.newFixedThreadPool(options.threads(),
                r -> daemon(r, name + "-" + threadNo.incrementAndGet()));
        this.assembler = daemon(this::assemble, name + "-batches");
        assembler.start();
    }

    private Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        threads.add(t);
        return t;
    }

    /** images of this shard found unusable so far (missing, unreadable, undecodable, wrong size) */
    public int skipped() {
        return maker.skipped();
    }

    @Override
    public boolean hasNext() {
        if (closed) {
            throw new IllegalStateException("the batch loader is closed");
        }
        if (head == null) {
            try {
                head = ready.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for a batch", e);
            }
        }
        if (head.error != null) {
            throw new IllegalStateException("the batch loader failed: " + head.error.getMessage(), head.error);
        }
        return head != Item.END;
    }

    @Override
    public Batch next() {
        if (!hasNext()) {
            throw new NoSuchElementException("the epoch has no more batches");
        }
        Batch b = head.batch;
        head = null;
        return b;
    }

    @Override
    public void close() {
        closed = true;
        assembler.interrupt();
        workers.shutdownNow();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(CLOSE_WAIT_SECONDS);
        try {
            for (Thread t : threads) {
                // at least 1 ms: join(0) would wait forever
                t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
                if (t.isAlive()) {
                    LOG.warn("loader thread {} still busy {} s after close", t.getName(), CLOSE_WAIT_SECONDS);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void assemble() {
        int n = shard.size();
        int[] order = Draws.permutation(n, new SplittableRandom(Seeds.of(options.seed(), options.epoch())));
        // enough samples in flight to keep every loader thread busy while a batch fills
        int window = options.batchSize() + options.threads();
        Deque<Future<Optional<Sample>>> inFlight = new ArrayDeque<>(window);
        List<Sample> samples = new ArrayList<>(options.batchSize());
        List<String> ids = new ArrayList<>(options.batchSize());
        PixelFormat.Table pixels = options.pixels().table();
        try {
            int submitted = 0;
            for (int pos = 0; pos < n; pos++) {
                while (submitted < n && inFlight.size() < window) {
                    int p = submitted++;
                    inFlight.add(workers.submit(() -> maker.make(p, order[p])));
                }
                Optional<Sample> s = inFlight.removeFirst().get();
                if (s.isPresent()) {
                    samples.add(s.get());
                    ids.add(shard.get(order[pos]).imageId);
                }
                if (samples.size() == options.batchSize()) {
                    ready.put(new Item(Batch.of(samples, ids, options.inputSize(), pixels), null));
                    samples.clear();
                    ids.clear();
                }
            }
            if (!samples.isEmpty() && !options.dropLast()) {
                ready.put(new Item(Batch.of(samples, ids, options.inputSize(), pixels), null));
            }
            if (maker.skipped() > 0) {
                LOG.warn("epoch {}: {} of {} images skipped", options.epoch(), maker.skipped(), n);
            }
            ready.put(Item.END);
        } catch (InterruptedException | RejectedExecutionException e) {
            // closed: nobody is waiting for the rest
        } catch (ExecutionException e) {
            fail(e.getCause());
        } catch (RuntimeException e) {
            fail(e);
        }
    }

    private void fail(Throwable error) {
        if (Thread.currentThread().isInterrupted()) {
            // closing: the workers' failures come from the interrupt
            return;
        }
        LOG.error("batch loader stopped", error);
        try {
            ready.put(new Item(null, error));
        } catch (InterruptedException e) {
            // closed meanwhile
        }
    }
}
