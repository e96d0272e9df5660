package sparkdet.eval;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Per image, how its boxes and its detections at the score threshold fared in the confusion
 * matrix's matching ({@link ConfusionMatrix}): the rows of per_image.csv, which finds the images
 * with the most false positives or misses. Each image is keyed by its position in the image order
 * of both paths (COCO image id order), its COCO image id and file name.
 */
final class ImageOutcomes implements Serializable {
    private static final long serialVersionUID = 1L;

    /** the counts of each image, in this order */
    static final List<String> COUNTS = List.of("objects", "detections", "correct", "wrong_class", "missed",
            "false_positives");
    static final int OBJECTS = 0;
    static final int DETECTIONS = 1;
    static final int CORRECT = 2;
    static final int WRONG_CLASS = 3;
    static final int MISSED = 4;
    static final int FALSE_POSITIVES = 5;
    private static final int N = COUNTS.size();

    private final long[] index;
    private final long[] cocoIds;
    private final String[] fileNames;
    /** {@link #COUNTS} numbers per image */
    private final int[] counts;

    private ImageOutcomes(long[] index, long[] cocoIds, String[] fileNames, int[] counts) {
        this.index = index;
        this.cocoIds = cocoIds;
        this.fileNames = fileNames;
        this.counts = counts;
    }

    /** zero counts for each image, to be filled by {@link #add} */
    static ImageOutcomes of(long[] index, long[] cocoIds, String[] fileNames) {
        return new ImageOutcomes(index, cocoIds, fileNames, new int[N * index.length]);
    }

    static ImageOutcomes none() {
        return of(new long[0], new long[0], new String[0]);
    }

    int size() {
        return index.length;
    }

    void add(int image, int count) {
        counts[image * N + count]++;
    }

    int count(int image, int count) {
        return counts[image * N + count];
    }

    long cocoId(int image) {
        return cocoIds[image];
    }

    String fileName(int image) {
        return fileNames[image];
    }

    /** the shards' images together, in image order */
    static ImageOutcomes concat(List<ImageOutcomes> parts) {
        int n = parts.stream().mapToInt(ImageOutcomes::size).sum();
        long[] index = new long[n];
        long[] cocoIds = new long[n];
        String[] fileNames = new String[n];
        int[] counts = new int[N * n];
        int at = 0;
        for (ImageOutcomes p : parts) {
            System.arraycopy(p.index, 0, index, at, p.size());
            System.arraycopy(p.cocoIds, 0, cocoIds, at, p.size());
            System.arraycopy(p.fileNames, 0, fileNames, at, p.size());
            System.arraycopy(p.counts, 0, counts, N * at, N * p.size());
            at += p.size();
        }
        int[] order = IntStream.range(0, n).boxed().sorted(Comparator.comparingLong(i -> index[i]))
                .mapToInt(Integer::intValue).toArray();
        int[] sortedCounts = new int[N * n];
        for (int i = 0; i < n; i++) {
            System.arraycopy(counts, N * order[i], sortedCounts, N * i, N);
        }
        return new ImageOutcomes(Arrays.stream(order).mapToLong(i -> index[i]).toArray(),
                Arrays.stream(order).mapToLong(i -> cocoIds[i]).toArray(),
                Arrays.stream(order).mapToObj(i -> fileNames[i]).toArray(String[]::new), sortedCounts);
    }
}
