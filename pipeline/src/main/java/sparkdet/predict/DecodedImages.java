package sparkdet.predict;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.hadoop.conf.Configuration;
import sparkdet.image.ImageDecoder;
import sparkdet.image.PixelLimit;
import sparkdet.image.RgbImage;
import sparkdet.io.Storage;

/**
 * A task's images read and decoded by a few threads, {@code ahead} images in front of the
 * network, handed out in input order. A file that cannot be read or decoded comes out with its
 * error instead of pixels; so does one whose header declares more pixels than the limit, undecoded.
 */
final class DecodedImages implements Iterator<DecodedImages.Decoded>, AutoCloseable {
    /** larger files are refused unread */
    static final long MAX_FILE_BYTES = 512L << 20;

    record Decoded(ImageRef ref, RgbImage image, String error) {
    }

    private final Iterator<ImageRef> refs;
    private final Storage storage;
    private final ExecutorService pool;
    private final int ahead;
    private final PixelLimit pixelLimit;
    private final ArrayDeque<Future<Decoded>> queue = new ArrayDeque<>();

    DecodedImages(List<ImageRef> refs, Configuration hadoop, int threads, int ahead, PixelLimit pixelLimit) {
        this.refs = refs.iterator();
        this.storage = new Storage(hadoop);
        this.ahead = ahead;
        this.pixelLimit = pixelLimit;
        this.pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "sparkdet-predict-decode");
            t.setDaemon(true);
            return t;
        });
        fill();
    }

    private void fill() {
        while (queue.size() < ahead && refs.hasNext()) {
            ImageRef ref = refs.next();
            queue.add(pool.submit(() -> decode(ref)));
        }
    }

    private Decoded decode(ImageRef ref) {
        try {
            byte[] bytes = storage.readBytes(Storage.path(ref.uri()), MAX_FILE_BYTES);
            return new Decoded(ref, ImageDecoder.decode(bytes, ref.uri(), pixelLimit), null);
        } catch (IOException | RuntimeException e) {
            return new Decoded(ref, null, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        }
    }

    @Override
    public boolean hasNext() {
        return !queue.isEmpty();
    }

    @Override
    public Decoded next() {
        if (queue.isEmpty()) {
            throw new NoSuchElementException();
        }
        try {
            Decoded d = queue.poll().get();
            fill();
            return d;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while decoding", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
