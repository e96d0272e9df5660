package sparkdet.batches;

/**
 * Seeds derived from several numbers. Mixed (SplitMix64's finaliser) rather than added, so that
 * neighbouring seeds, epochs and positions give unrelated streams.
 */
public final class Seeds {
    private Seeds() {
    }

    public static long of(long... parts) {
        long h = 0x9E3779B97F4A7C15L;
        for (long p : parts) {
            h = mix(h ^ mix(p));
        }
        return h;
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
