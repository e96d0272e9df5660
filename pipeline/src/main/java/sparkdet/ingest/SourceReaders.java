package sparkdet.ingest;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sparkdet.data.ClassList;
import sparkdet.data.ImageIds;
import sparkdet.data.ImageRecord;
import sparkdet.data.QuarantineReason;
import sparkdet.data.Quarantined;
import sparkdet.io.HadoopConf;
import sparkdet.io.InputUnusableException;
import sparkdet.io.Storage;
import sparkdet.io.TextDecoding;
import sparkdet.model.Task;

/**
 * The formats into {@link SourceData}. VOC files are parsed on the executors (a VOC set is many
 * small files); a COCO JSON is streamed by the executors, each keeping a share of the images;
 * annotation lines are split on the driver and their images read on the executors; a voc-seg
 * root's masks are listed on the driver and read, with their pictures' headers, on the executors.
 */
final class SourceReaders {
    private static final Logger LOG = LoggerFactory.getLogger(SourceReaders.class);

    private final JavaSparkContext jsc;
    private final Storage storage;
    private final IngestRequest req;

    SourceReaders(JavaSparkContext jsc, Storage storage, IngestRequest req) {
        this.jsc = jsc;
        this.storage = storage;
        this.req = req;
    }

    SourceData<?> read() throws IOException {
        ClassList given = req.classesFile() == null ? null : readClasses(req.classesFile());
        return switch (req.format()) {
            case VOC -> voc(given);
            case VOC_SEG -> vocSeg(given);
            case COCO -> coco(given);
            case LINES -> lines(given);
        };
    }

    private int slices(long n) {
        return (int) Math.max(1, Math.max(Math.min(n, jsc.defaultParallelism()),
                (n + req.imagesPerPartition() - 1) / req.imagesPerPartition()));
    }

    ClassList readClasses(String file) throws IOException {
        Path p = Storage.path(file);
        if (!storage.exists(p)) {
            throw new InputUnusableException("classes file " + p + " does not exist");
        }
        String text = decode(storage.readBytes(p, req.maxFileBytes()), p);
        try {
            ClassList classes = ClassList.parse(text);
            if (classes.size() == 0) {
                throw new InputUnusableException("classes file " + p + " names no class");
            }
            return classes;
        } catch (IllegalArgumentException e) {
            throw new InputUnusableException("classes file " + p + ": " + e.getMessage());
        }
    }

    private String decode(byte[] bytes, Path p) {
        try {
            TextDecoding.Decoded d = TextDecoding.decode(bytes, req.encoding());
            if (!d.charset().name().equals("UTF-8")) {
                LOG.warn("{} is not UTF-8: read as {}", p, d.charset().name());
            }
            return d.text();
        } catch (CharacterCodingException e) {
            throw new InputUnusableException(p + " cannot be decoded as " + req.encoding());
        } catch (IllegalArgumentException e) {
            throw new InputUnusableException("unknown --encoding '" + req.encoding() + "'");
        }
    }

    private SourceData<String> voc(ClassList given) throws IOException {
        Path in = Storage.path(req.input());
        if (!storage.isDirectory(in)) {
            throw new InputUnusableException("VOC input " + in + " is not a folder");
        }
        VocLayout layout = VocLayout.of(storage, in);
        Path annotations = layout.annotations();
        Path images = req.images() != null ? Storage.path(req.images()) : layout.images();
        boolean imagesKnown = req.images() != null || storage.isDirectory(images);
        List<Quarantined> problems = new ArrayList<>();
        Map<String, Path> byStem = byStem(storage.listFiles(annotations, ".xml"), problems);
        Collection<Path> files = req.split() != null ? selectSplit(layout.root(), annotations, byStem, problems)
                : byStem.values();
        if (files.isEmpty() && problems.isEmpty()) {
            throw new InputUnusableException("no .xml annotation files under " + annotations);
        }
        List<String> uris = new ArrayList<>(files.size());
        for (Path f : files) {
            uris.add(f.toString());
        }
        LOG.info("VOC: {} annotation files under {}, images {} {}", uris.size(), annotations, images,
                imagesKnown ? "" : "(folder not found: images are not checked)");
        PartitionReader<String> reader = new VocFiles(new HadoopConf(storage.conf()), images.toString(), req.split(),
                req.maxFileBytes());
        JavaRDD<String> units = jsc.parallelize(uris, slices(uris.size()));
        ClassList classes = given;
        if (classes == null) {
            // a first pass over the labels; the files are parsed again by the writing pass
            classes = ClassList.sortedOf(distinctLabels(units, reader));
            LOG.info("classes from the labels, sorted: {}", classes.names());
        }
        return new SourceData<>(units, reader, classes, problems, req.checkImages(imagesKnown));
    }

    /** VOC's partitions: XML file URIs, parsed one by one as the pass asks for them */
    private record VocFiles(HadoopConf hadoop, String imageRoot, String split, long maxBytes)
            implements PartitionReader<String> {
        @Override
        public Input read(java.util.Iterator<String> uris) {
            VocParser parser = new VocParser();
            Storage fs = new Storage(hadoop.get());
            Path root = new Path(imageRoot);
            java.util.Iterator<IngestItem> items = new java.util.Iterator<>() {
                @Override
                public boolean hasNext() {
                    return uris.hasNext();
                }

                @Override
                public IngestItem next() {
                    String uri = uris.next();
                    try {
                        return parser.parse(fs.readBytes(new Path(uri), maxBytes), uri, root, split);
                    } catch (IOException e) {
                        return IngestItem.rejected(new Quarantined(uri, QuarantineReason.MALFORMED_ANNOTATION,
                                "cannot read: " + e.getMessage()));
                    }
                }
            };
            return new Input(items, null);
        }
    }

    /** files by their stem, the image id; a second file of a stem is quarantined */
    private static Map<String, Path> byStem(List<Path> files, List<Quarantined> problems) {
        Map<String, Path> byStem = new java.util.LinkedHashMap<>();
        for (Path f : files) {
            String stem = ImageIds.stem(f.getName());
            Path first = byStem.putIfAbsent(stem, f);
            if (first != null) {
                problems.add(new Quarantined(f.toString(), QuarantineReason.DUPLICATE_IMAGE_ID,
                        "image id '" + stem + "' is already taken by " + first));
            }
        }
        return byStem;
    }

    private List<Path> selectSplit(Path root, Path annotations, Map<String, Path> byStem, List<Quarantined> problems)
            throws IOException {
        List<Path> selected = new ArrayList<>();
        for (SplitEntry e : splitList(new Path(root, "ImageSets/Main/" + req.split() + ".txt"))) {
            Path f = byStem.get(e.stem());
            if (f == null) {
                problems.add(new Quarantined(e.where(), QuarantineReason.ANNOTATION_MISSING,
                        "no " + e.stem() + ".xml under " + annotations));
            } else {
                selected.add(f);
            }
        }
        return selected;
    }

    /** a split list's stem and where the list names it (file:line) */
    private record SplitEntry(String stem, String where) {
    }

    /** the stems a VOC split list names, one a line (the first word: Main/CLASS_SPLIT.txt adds a flag) */
    private List<SplitEntry> splitList(Path list) throws IOException {
        if (!storage.exists(list)) {
            throw new InputUnusableException("split '" + req.split() + "' needs " + list + ", which does not exist");
        }
        List<SplitEntry> entries = new ArrayList<>();
        String[] lines = decode(storage.readBytes(list, req.maxFileBytes() * 16), list).split("\\r?\\n");
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (!line.isEmpty()) {
                entries.add(new SplitEntry(line.split("\\s+")[0], list + ":" + (i + 1)));
            }
        }
        return entries;
    }

    /**
     * A VOC segmentation root: JPEGImages/ and SegmentationClass/ (or labelme's
     * SegmentationClassPNG/, beside its .npy arrays in SegmentationClass/). With --split, the stems
     * of ImageSets/Segmentation/SPLIT.txt; without, every mask, each with the picture of its stem.
     * Rows are made here, their masks and pictures read on the executors.
     */
    private SourceData<IngestItem> vocSeg(ClassList given) throws IOException {
        Path root = Storage.path(req.input());
        if (!storage.isDirectory(root)) {
            throw new InputUnusableException("voc-seg input " + root + " is not a folder");
        }
        Path labelmeMasks = new Path(root, LABELME_MASKS);
        Path masks = storage.isDirectory(labelmeMasks) ? labelmeMasks : new Path(root, VOC_MASKS);
        if (!storage.isDirectory(masks)) {
            throw new InputUnusableException(root + " has no " + VOC_MASKS + "/ (VOC) nor " + LABELME_MASKS
                    + "/ (labelme) folder of mask PNGs");
        }
        Path images = req.images() != null ? Storage.path(req.images()) : new Path(root, "JPEGImages");
        ClassList classes = segmentationClasses(given, root);
        List<Quarantined> problems = new ArrayList<>();
        List<IngestItem> items = new ArrayList<>();
        if (req.split() != null) {
            java.util.Set<String> seen = new java.util.HashSet<>();
            for (SplitEntry e : splitList(new Path(root, "ImageSets/Segmentation/" + req.split() + ".txt"))) {
                Optional<Path> mask = ImagePaths.under(masks, e.stem() + ".png");
                if (mask.isEmpty()) {
                    problems.add(new Quarantined(e.where(), QuarantineReason.PATH_OUTSIDE_ROOT,
                            "'" + e.stem() + "' names a mask outside the mask folder " + masks));
                } else if (!seen.add(e.stem())) {
                    problems.add(new Quarantined(e.where(), QuarantineReason.DUPLICATE_IMAGE_ID,
                            "image id '" + e.stem() + "' is listed twice; the first is kept"));
                } else {
                    items.add(vocSegItem(e.stem(), mask.get(), images));
                }
            }
        } else {
            LOG.info("voc-seg: no --split, so every mask under {} is taken, with its picture {}/<name>.jpg", masks,
                    images);
            for (Map.Entry<String, Path> e : byStem(storage.listFiles(masks, ".png"), problems).entrySet()) {
                items.add(vocSegItem(e.getKey(), e.getValue(), images));
            }
            for (String name : storage.undecodableNames(masks)) {
                problems.add(new Quarantined(masks + "/" + name, QuarantineReason.MASK_UNREADABLE,
                        "the file's name is not valid " + System.getProperty("sun.jnu.encoding")
                                + ", so it cannot be opened by name: rename the mask and its picture"));
            }
        }
        if (items.isEmpty() && problems.isEmpty()) {
            throw new InputUnusableException("no masks to read under " + masks);
        }
        LOG.info("voc-seg: {} masks under {}, pictures under {}, {} classes {}", items.size(), masks, images,
                classes.size(), classes.names());
        PartitionReader<IngestItem> asIs = it -> new PartitionReader.Input(it, null);
        // the pictures are read for their sizes, which the masks must have
        return new SourceData<>(jsc.parallelize(items, slices(items.size())), asIs, classes, problems,
                req.checkImages(true), MaskChecks.Origin.FILE);
    }

    static final String VOC_MASKS = "SegmentationClass";
    static final String LABELME_MASKS = "SegmentationClassPNG";
    /** labelme's labels.txt names its "ignore" label (-1, saved as 255) first: not a class */
    private static final String LABELME_IGNORE = "__ignore__";
    /** the names a background class goes by in the reference repositories' lists */
    private static final java.util.Set<String> BACKGROUND_NAMES = java.util.Set.of("background", "_background_",
            "__background__", "bg");

    /** whether a class name is one the reference repositories give the background */
    private static boolean isBackground(String name) {
        return BACKGROUND_NAMES.contains(name.toLowerCase(java.util.Locale.ROOT));
    }

    /** a voc-seg row before its checks: the mask is its source, the picture's size still unknown */
    private IngestItem vocSegItem(String stem, Path mask, Path images) {
        Optional<Path> image = ImagePaths.under(images, stem + ".jpg");
        if (image.isEmpty()) {
            return IngestItem.rejected(new Quarantined(mask.toString(), QuarantineReason.PATH_OUTSIDE_ROOT,
                    "'" + stem + "' names a picture outside the image folder " + images));
        }
        return IngestItem.of(new ImageRecord(stem, ImageIds.numericId(stem), image.get().toString(),
                stem + ".jpg", 0, 0, req.split(), mask.toString(), List.of()));
    }

    /**
     * The classes of a voc-seg root, background first (mask value i is class i): --classes, else
     * class_names.txt (what labelme writes) or labels.txt in the root; labelme's __ignore__ is
     * left out. With --binary-mask and no list: background and foreground.
     */
    private ClassList segmentationClasses(ClassList given, Path root) throws IOException {
        ClassList named = given;
        String from = req.classesFile();
        for (String name : List.of("class_names.txt", "labels.txt")) {
            Path p = new Path(root, name);
            if (named == null && storage.exists(p)) {
                named = readClasses(p.toString());
                from = p.toString();
            }
        }
        if (named == null) {
            if (req.binaryMask()) {
                LOG.info("voc-seg: no classes file, so --binary-mask's two classes are background and foreground");
                return new ClassList(List.of("background", "foreground"));
            }
            throw new InputUnusableException("voc-seg needs the class names, background first (mask value i is"
                    + " line i): give --classes FILE, or put class_names.txt or labels.txt in " + root);
        }
        List<String> names = new ArrayList<>(named.names());
        names.remove(LABELME_IGNORE);
        if (names.isEmpty()) {
            throw new InputUnusableException("classes file " + from + " names no class but " + LABELME_IGNORE);
        }
        if (names.size() > ImageRecord.MASK_IGNORE) {
            throw new InputUnusableException("classes file " + from + " names " + names.size() + " classes; a mask"
                    + " holds class indices 0.." + (ImageRecord.MASK_IGNORE - 1) + " (255 is 'ignore')");
        }
        if (!isBackground(names.get(0))) {
            LOG.warn("{}: the first class is '{}', and mask value 0 is background: a segmentation classes file"
                    + " lists the background first, or every class is off by one", from, names.get(0));
        }
        return new ClassList(names);
    }

    private SourceData<Integer> coco(ClassList given) throws IOException {
        Path in = Storage.path(req.input());
        if (!storage.exists(in) || storage.isDirectory(in)) {
            throw new InputUnusableException("COCO input " + in + " is not a file");
        }
        Path images = req.images() != null ? Storage.path(req.images()) : in.getParent();
        String split = req.split() != null ? req.split() : splitFromName(in.getName());
        long bytes = storage.fs(in).getFileStatus(in).getLen();
        // every task streams the whole file and keeps its share of the images: each share costs a
        // full pass over the file, so there are only as many as keep each task's share small
        int shares = (int) Math.max(1, (bytes + req.cocoBytesPerTask() - 1) / req.cocoBytesPerTask());
        List<Integer> ids = new ArrayList<>();
        for (int i = 0; i < shares; i++) {
            ids.add(i);
        }
        LOG.info("COCO: {} ({} MB) read by {} tasks, each keeping a share of the images", in, bytes >> 20, shares);
        boolean segment = req.task() == Task.SEGMENT;
        PartitionReader<Integer> reader = new CocoShares(new HadoopConf(storage.conf()), in.toString(),
                images.toString(), split, shares, segment);
        return new SourceData<>(jsc.parallelize(ids, shares), reader, given, List.of(),
                req.checkImages(req.images() != null), segment ? MaskChecks.Origin.OBJECTS : null);
    }

    /**
     * COCO's partitions: share numbers; each task streams the file and keeps its share
     *
     * @param segment whether the objects are painted into masks: the classes are then the
     *     categories after a background class 0
     */
    private record CocoShares(HadoopConf hadoop, String file, String imageRoot, String split, int shares,
                              boolean segment) implements PartitionReader<Integer> {
        @Override
        public Input read(java.util.Iterator<Integer> share) throws IOException {
            Path in = new Path(file);
            CocoParser.Result result;
            try (InputStream stream = new Storage(hadoop.get()).open(in)) {
                result = new CocoParser(share.next(), shares).parse(stream, file, new Path(imageRoot), split);
            } catch (IOException e) {
                throw new InputUnusableException(in + " is not a COCO instances file: " + e.getMessage(), e);
            }
            ClassList classes = segment ? backgroundFirst(result.categoryClasses(), in) : result.categoryClasses();
            return new Input(draining(result.items()), classes);
        }

        /**
         * background, then the categories in id order: a category's mask value is its position
         * + 1; unless the first category is itself the background (labelme's `_background_`, id
         * 0), which is then class 0 under its own name
         */
        private static ClassList backgroundFirst(ClassList categories, Path in) {
            List<String> names = new ArrayList<>(categories.size() + 1);
            if (categories.size() == 0 || !isBackground(categories.name(0))) {
                names.add(categories.indexOf("background") < 0 ? "background" : "_background_");
            }
            names.addAll(categories.names());
            if (names.size() > ImageRecord.MASK_IGNORE) {
                throw new InputUnusableException(in + " has " + categories.size() + " categories; --task segment"
                        + " paints class indices up to " + (ImageRecord.MASK_IGNORE - 1) + " into 8-bit masks");
            }
            return new ClassList(names);
        }

        /** hands the items out and lets go of each, so that written rows can be collected */
        private static java.util.Iterator<IngestItem> draining(List<IngestItem> items) {
            return new java.util.Iterator<>() {
                private int next;

                @Override
                public boolean hasNext() {
                    return next < items.size();
                }

                @Override
                public IngestItem next() {
                    if (!hasNext()) {
                        throw new java.util.NoSuchElementException();
                    }
                    IngestItem item = items.get(next);
                    items.set(next++, null);
                    return item;
                }
            };
        }
    }

    /** instances_val2017.json -> val2017, the COCO naming; else no split */
    static String splitFromName(String fileName) {
        String stem = ImageIds.stem(fileName);
        return stem.startsWith("instances_") ? stem.substring("instances_".length()) : null;
    }

    private SourceData<IngestItem> lines(ClassList given) throws IOException {
        if (given == null) {
            throw new IllegalArgumentException("--format lines needs --classes FILE: the lines carry class indices");
        }
        Path in = Storage.path(req.input());
        if (!storage.exists(in) || storage.isDirectory(in)) {
            throw new InputUnusableException("annotation-lines input " + in + " is not a file");
        }
        Path images = req.images() != null ? Storage.path(req.images()) : in.getParent();
        String split = req.split() != null ? req.split() : ImageIds.stem(in.getName());
        String text = decode(storage.readBytes(in, Integer.MAX_VALUE - 8L), in);
        List<IngestItem> parsed = new LinesParser(given).parse(text, in.toString(), images, split);
        LOG.info("annotation lines: {} lines read from {}", parsed.size(), in);
        List<Quarantined> problems = new ArrayList<>();
        List<IngestItem> items = new ArrayList<>(parsed.size());
        for (IngestItem item : parsed) {
            if (item.record == null) {
                problems.addAll(item.quarantined);
            } else {
                items.add(item);
            }
        }
        PartitionReader<IngestItem> asIs = it -> new PartitionReader.Input(it, null);
        return new SourceData<>(jsc.parallelize(items, slices(items.size())), asIs, given, problems,
                req.checkImages(true));
    }

    /** the distinct labels of the parsed objects, for a class list derived from the data */
    private static <T> List<String> distinctLabels(JavaRDD<T> units, PartitionReader<T> reader) {
        return units.mapPartitions(it -> {
            java.util.Set<String> labels = new java.util.HashSet<>();
            java.util.Iterator<IngestItem> items = reader.read(it).items();
            while (items.hasNext()) {
                IngestItem item = items.next();
                if (item.record != null) {
                    item.record.objects.forEach(o -> labels.add(o.label));
                }
            }
            return labels.iterator();
        }).distinct().collect();
    }
}
