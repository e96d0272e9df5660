package sparkdet.data;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Counts of a dataset, built per partition and merged: what stats.json and stats.png show.
 * Box sizes are binned by sqrt(area) on a log2 scale (quarter octaves from 1 px), which is what
 * tells a detection user whether anchors and input size fit the data. A segmentation dataset's
 * stats add its masks' pixels per class (what tells whether a class is too rare to be learned)
 * and the warnings about rows that are kept but teach little.
 */
public final class DatasetStats implements Serializable {
    private static final long serialVersionUID = 1L;

    /** COCO's small/medium/large limits on box area */
    public static final double SMALL_AREA = 32 * 32;
    public static final double MEDIUM_AREA = 96 * 96;
    public static final int SIZE_BINS = 52;
    private static final double BINS_PER_OCTAVE = 4;

    private long images;
    private long imagesWithoutObjects;
    private long objects;
    private long difficult;
    private long crowd;
    private long clipped;
    private final Map<String, ClassStats> perClass = new TreeMap<>();
    private final long[] sizeHistogram = new long[SIZE_BINS];
    private final Map<String, Long> quarantineReasons = new TreeMap<>();
    private final boolean segmentation;
    /** all masks' pixels by value */
    private final long[] maskPixels = new long[ImageRecord.MASK_VALUES];
    /** how many masks hold each value at least once */
    private final long[] masksWithValue = new long[ImageRecord.MASK_VALUES];
    private final Map<String, Long> warnings = new TreeMap<>();

    /** the stats of a detection dataset */
    public DatasetStats() {
        this(false);
    }

    /** @param segmentation whether the dataset's rows have masks (stats.json then says so and counts pixels) */
    public DatasetStats(boolean segmentation) {
        this.segmentation = segmentation;
    }

    /** per-class box statistics */
    public static final class ClassStats implements Serializable {
        private static final long serialVersionUID = 1L;
        long count;
        long small;
        long medium;
        long large;
        double widthSum;
        double heightSum;
        double widthMin = Double.POSITIVE_INFINITY;
        double widthMax;
        double heightMin = Double.POSITIVE_INFINITY;
        double heightMax;
        final long[] sizeHistogram = new long[SIZE_BINS];

        void add(double w, double h) {
            count++;
            double area = w * h;
            if (area < SMALL_AREA) {
                small++;
            } else if (area < MEDIUM_AREA) {
                medium++;
            } else {
                large++;
            }
            widthSum += w;
            heightSum += h;
            widthMin = Math.min(widthMin, w);
            widthMax = Math.max(widthMax, w);
            heightMin = Math.min(heightMin, h);
            heightMax = Math.max(heightMax, h);
            sizeHistogram[sizeBin(area)]++;
        }

        void merge(ClassStats o) {
            count += o.count;
            small += o.small;
            medium += o.medium;
            large += o.large;
            widthSum += o.widthSum;
            heightSum += o.heightSum;
            widthMin = Math.min(widthMin, o.widthMin);
            widthMax = Math.max(widthMax, o.widthMax);
            heightMin = Math.min(heightMin, o.heightMin);
            heightMax = Math.max(heightMax, o.heightMax);
            for (int i = 0; i < SIZE_BINS; i++) {
                sizeHistogram[i] += o.sizeHistogram[i];
            }
        }

        public long count() {
            return count;
        }

        Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("count", count);
            m.put("small", small);
            m.put("medium", medium);
            m.put("large", large);
            m.put("width", Map.of("min", widthMin, "mean", widthSum / count, "max", widthMax));
            m.put("height", Map.of("min", heightMin, "mean", heightSum / count, "max", heightMax));
            m.put("sqrt_area_median", medianSqrtArea(sizeHistogram, count));
            return m;
        }
    }

    /** the bin of a box area: quarter octaves of sqrt(area), from below 1 px to 8192 px and above */
    public static int sizeBin(double area) {
        double side = Math.sqrt(Math.max(area, 0));
        if (side < 1) {
            return 0;
        }
        int bin = 1 + (int) Math.floor(Math.log(side) / Math.log(2) * BINS_PER_OCTAVE);
        return Math.min(bin, SIZE_BINS - 1);
    }

    /** the lower edge, in pixels of sqrt(area), of a size bin */
    public static double binLowerEdge(int bin) {
        return bin == 0 ? 0 : Math.pow(2, (bin - 1) / BINS_PER_OCTAVE);
    }

    /** the median of a size histogram, the geometric centre of the bin it falls in */
    static double medianSqrtArea(long[] histogram, long count) {
        long seen = 0;
        for (int i = 0; i < histogram.length; i++) {
            seen += histogram[i];
            if (seen * 2 >= count) {
                return i == 0 ? 0.5 : Math.pow(2, (i - 0.5) / BINS_PER_OCTAVE);
            }
        }
        return 0;
    }

    public void addImage(ImageRecord record) {
        images++;
        if (record.objects.isEmpty()) {
            imagesWithoutObjects++;
        }
        for (BoxObject o : record.objects) {
            objects++;
            if (o.difficult) {
                difficult++;
            }
            if (o.iscrowd) {
                crowd++;
            }
            double w = o.width();
            double h = o.height();
            perClass.computeIfAbsent(o.label, k -> new ClassStats()).add(w, h);
            sizeHistogram[sizeBin(w * h)]++;
        }
        if (record.maskPixels != null) {
            for (int v = 0; v < maskPixels.length; v++) {
                maskPixels[v] += record.maskPixels[v];
                if (record.maskPixels[v] > 0) {
                    masksWithValue[v]++;
                }
            }
        }
    }

    public void addWarning(DatasetWarning warning) {
        warnings.merge(warning.code(), 1L, Long::sum);
    }

    public void addClipped(long n) {
        clipped += n;
    }

    public void addQuarantined(QuarantineReason reason) {
        quarantineReasons.merge(reason.code(), 1L, Long::sum);
    }

    public DatasetStats merge(DatasetStats o) {
        images += o.images;
        imagesWithoutObjects += o.imagesWithoutObjects;
        objects += o.objects;
        difficult += o.difficult;
        crowd += o.crowd;
        clipped += o.clipped;
        o.perClass.forEach((k, v) -> perClass.computeIfAbsent(k, x -> new ClassStats()).merge(v));
        for (int i = 0; i < SIZE_BINS; i++) {
            sizeHistogram[i] += o.sizeHistogram[i];
        }
        o.quarantineReasons.forEach((k, v) -> quarantineReasons.merge(k, v, Long::sum));
        for (int v = 0; v < maskPixels.length; v++) {
            maskPixels[v] += o.maskPixels[v];
            masksWithValue[v] += o.masksWithValue[v];
        }
        o.warnings.forEach((k, v) -> warnings.merge(k, v, Long::sum));
        return this;
    }

    public long images() {
        return images;
    }

    public long objects() {
        return objects;
    }

    public long difficult() {
        return difficult;
    }

    public long crowd() {
        return crowd;
    }

    public long clipped() {
        return clipped;
    }

    public long quarantined() {
        return quarantineReasons.values().stream().mapToLong(Long::longValue).sum();
    }

    public Map<String, Long> quarantineReasons() {
        return quarantineReasons;
    }

    public Map<String, Long> warnings() {
        return warnings;
    }

    public boolean segmentation() {
        return segmentation;
    }

    /**
     * mask pixels per class, in class order: value i is class i. Value 255 is never a class (it
     * is "ignore"), even in a list of more than 255 classes.
     */
    public Map<String, Long> pixelsPerClass(ClassList classes) {
        return byClassValue(maskPixels, classes);
    }

    /** how many masks hold each class, in class order */
    public Map<String, Long> masksPerClass(ClassList classes) {
        return byClassValue(masksWithValue, classes);
    }

    private static Map<String, Long> byClassValue(long[] counts, ClassList classes) {
        Map<String, Long> m = new LinkedHashMap<>();
        for (int v = 0; v < Math.min(classes.size(), ImageRecord.MASK_IGNORE); v++) {
            m.put(classes.name(v), counts[v]);
        }
        return m;
    }

    /** mask pixels that training and evaluation leave out: 255, and values beyond the classes */
    public long ignoredPixels(ClassList classes) {
        long n = 0;
        for (int v = Math.min(classes.size(), ImageRecord.MASK_IGNORE); v < maskPixels.length; v++) {
            n += maskPixels[v];
        }
        return n;
    }

    public long[] sizeHistogram() {
        return sizeHistogram.clone();
    }

    /** object counts per label, in the order of the class list (labels without objects count 0) */
    public Map<String, Long> perClassCounts(ClassList classes) {
        Map<String, Long> m = new LinkedHashMap<>();
        for (String name : classes.names()) {
            ClassStats s = perClass.get(name);
            m.put(name, s == null ? 0 : s.count);
        }
        return m;
    }

    /**
     * stats.json, as DESIGN.md section 4 defines it, plus box sizes, clipped and empty images; a
     * segmentation dataset's also says its task and counts mask pixels and warnings
     */
    public String toJson(ClassList classes) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (segmentation) {
            m.put("task", "segment");
        }
        m.put("images", images);
        m.put("objects", objects);
        m.put("per_class", perClassCounts(classes));
        m.put("difficult", difficult);
        m.put("crowd", crowd);
        m.put("quarantined", quarantined());
        m.put("quarantine_reasons", quarantineReasons);
        m.put("clipped_boxes", clipped);
        m.put("images_without_objects", imagesWithoutObjects);
        Map<String, Object> sizes = new LinkedHashMap<>();
        for (String name : classes.names()) {
            ClassStats s = perClass.get(name);
            if (s != null) {
                sizes.put(name, s.toJson());
            }
        }
        m.put("box_sizes", sizes);
        if (segmentation) {
            m.put("pixels_per_class", pixelsPerClass(classes));
            m.put("ignored_pixels", ignoredPixels(classes));
            m.put("masks_per_class", masksPerClass(classes));
            m.put("warnings", warnings);
        }
        try {
            return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(m);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
