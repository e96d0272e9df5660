package sparkdet.ingest;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sparkdet.data.ClassList;
import sparkdet.data.ImageIds;
import sparkdet.data.QuarantineReason;
import sparkdet.data.Quarantined;
import sparkdet.io.HadoopConf;
import sparkdet.io.InputUnusableException;
import sparkdet.io.Storage;
import sparkdet.io.TextDecoding;

/**
 * The three formats into {@link SourceData}. VOC files are parsed on the executors (a VOC set is
 * many small files); a COCO JSON is streamed by the executors, each keeping a share of the
 * images; annotation lines are split on the driver and their images read on the executors.
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
        Map<String, Path> byStem = new java.util.LinkedHashMap<>();
        for (Path f : storage.listFiles(annotations, ".xml")) {
            String stem = ImageIds.stem(f.getName());
            Path first = byStem.putIfAbsent(stem, f);
            if (first != null) {
                problems.add(new Quarantined(f.toString(), QuarantineReason.DUPLICATE_IMAGE_ID,
                        "image id '" + stem + "' is already taken by " + first));
            }
        }
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

    private List<Path> selectSplit(Path root, Path annotations, Map<String, Path> byStem, List<Quarantined> problems)
            throws IOException {
        Path list = new Path(root, "ImageSets/Main/" + req.split() + ".txt");
        if (!storage.exists(list)) {
            throw new InputUnusableException("split '" + req.split() + "' needs " + list + ", which does not exist");
        }
        List<Path> selected = new ArrayList<>();
        String[] lines = decode(storage.readBytes(list, req.maxFileBytes() * 16), list).split("\r?\n");
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty()) {
                continue;
            }
            String stem = line.split("\\s+")[0];
            Path f = byStem.get(stem);
            if (f == null) {
                problems.add(new Quarantined(list + ":" + (i + 1), QuarantineReason.ANNOTATION_MISSING,
                        "no " + stem + ".xml under " + annotations));
            } else {
                selected.add(f);
            }
        }
        return selected;
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
        PartitionReader<Integer> reader = new CocoShares(new HadoopConf(storage.conf()), in.toString(),
                images.toString(), split, shares);
        return new SourceData<>(jsc.parallelize(ids, shares), reader, given, List.of(),
                req.checkImages(req.images() != null));
    }

    /** COCO's partitions: share numbers; each task streams the file and keeps its share */
    private record CocoShares(HadoopConf hadoop, String file, String imageRoot, String split, int shares)
            implements PartitionReader<Integer> {
        @Override
        public Input read(java.util.Iterator<Integer> share) throws IOException {
            Path in = new Path(file);
            CocoParser.Result result;
            try (InputStream stream = new Storage(hadoop.get()).open(in)) {
                result = new CocoParser(share.next(), shares).parse(stream, file, new Path(imageRoot), split);
            } catch (IOException e) {
                throw new InputUnusableException(in + " is not a COCO instances file: " + e.getMessage(), e);
            }
            return new Input(draining(result.items()), result.categoryClasses());
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
