package sparkdet.eval;

import java.io.Serializable;
import java.util.Arrays;
import java.util.List;

/**
 * What COCOeval's evaluateImg leaves for one (category, area range): per image that has ground
 * truth or detections of the category (an entry, in image order), its detections' scores in
 * descending order (at most the largest maxDets) with their matched/ignored flags at every IoU
 * threshold, and the count of ground truth that is not ignored. Buckets of disjoint image sets
 * merge into the bucket of their union, so the matching can run in Spark partitions and the
 * accumulation where the buckets of one (category, area) meet.
 */
final class CocoBucket implements Serializable {
    private static final long serialVersionUID = 1L;
    static final byte MATCHED = 1;
    static final byte IGNORED = 2;

    private final int thresholds;
    double[] scores;
    /** flags[det * thresholds + t] */
    byte[] flags;
    /** entry e holds detections [entryStart[e], entryStart[e + 1]) */
    int[] entryStart;
    /** the (global) image index of each entry, increasing */
    int[] entryImage;
    int entries;
    int dets;
    long npig;

    CocoBucket(int thresholds) {
        this(thresholds, 64, 16);
    }

    private CocoBucket(int thresholds, int detCapacity, int entryCapacity) {
        this.thresholds = thresholds;
        scores = new double[detCapacity];
        flags = new byte[detCapacity * thresholds];
        entryStart = new int[entryCapacity + 1];
        entryImage = new int[entryCapacity];
    }

    void startEntry(int image) {
        if (entries + 1 >= entryStart.length) {
            entryStart = Arrays.copyOf(entryStart, entryStart.length * 2);
            entryImage = Arrays.copyOf(entryImage, entryStart.length);
        }
        entryImage[entries] = image;
        entryStart[entries++] = dets;
        entryStart[entries] = dets;
    }

    int addDet(double score) {
        if (dets == scores.length) {
            scores = Arrays.copyOf(scores, dets * 2);
            flags = Arrays.copyOf(flags, dets * 2 * thresholds);
        }
        scores[dets] = score;
        entryStart[entries] = dets + 1;
        return dets++;
    }

    void flag(int det, int threshold, byte flag) {
        flags[det * thresholds + threshold] = flag;
    }

    byte flag(int det, int threshold) {
        return flags[det * thresholds + threshold];
    }

    /** the arrays cut to their content, before the bucket travels */
    CocoBucket trimmed() {
        scores = Arrays.copyOf(scores, dets);
        flags = Arrays.copyOf(flags, dets * thresholds);
        entryStart = Arrays.copyOf(entryStart, entries + 1);
        entryImage = Arrays.copyOf(entryImage, entries);
        return this;
    }

    /** the bucket of the union of the parts' images (each image in one part at most), in image order */
    static CocoBucket merge(List<CocoBucket> parts) {
        if (parts.size() == 1) {
            return parts.get(0);
        }
        int entryCount = 0;
        int detCount = 0;
        for (CocoBucket p : parts) {
            entryCount += p.entries;
            detCount += p.dets;
        }
        // (image, running entry number) packed in one long: one primitive sort puts the entries in image order
        int[] firstEntry = new int[parts.size() + 1];
        for (int i = 0; i < parts.size(); i++) {
            firstEntry[i + 1] = firstEntry[i] + parts.get(i).entries;
        }
        long[] order = new long[entryCount];
        for (int i = 0; i < parts.size(); i++) {
            CocoBucket p = parts.get(i);
            for (int e = 0; e < p.entries; e++) {
                order[firstEntry[i] + e] = ((long) p.entryImage[e] << 32) | (firstEntry[i] + e);
            }
        }
        Arrays.sort(order);
        int t = parts.get(0).thresholds;
        CocoBucket out = new CocoBucket(t, Math.max(detCount, 1), Math.max(entryCount, 1));
        for (long key : order) {
            int global = (int) key;
            int i = Arrays.binarySearch(firstEntry, global);
            i = i >= 0 ? i : -i - 2;
            while (firstEntry[i + 1] == global) {
                i++;   // parts without entries share their first number with the next part
            }
            CocoBucket p = parts.get(i);
            int e = global - firstEntry[i];
            out.startEntry(p.entryImage[e]);
            int from = p.entryStart[e];
            int to = p.entryStart[e + 1];
            System.arraycopy(p.scores, from, out.scores, out.dets, to - from);
            System.arraycopy(p.flags, from * t, out.flags, out.dets * t, (to - from) * t);
            out.dets += to - from;
            out.entryStart[out.entries] = out.dets;
        }
        for (CocoBucket p : parts) {
            out.npig += p.npig;
        }
        return out;
    }
}
