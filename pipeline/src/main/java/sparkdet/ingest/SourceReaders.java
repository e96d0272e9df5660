package sparkdet.ingest;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
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
 * many small files); a COCO JSON is one stream and is parsed on the driver; annotation lines are
 * split on the driver and their images read on the executors.
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

    SourceData read() throws IOException {
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

    private SourceData voc(ClassList given) throws IOException {
        Path in = Storage.path(req.input());
        if (!storage.isDirectory(in)) {
            throw new InputUnusableException("VOC input " + in + " is not a folder");
        }
        Path annotations = storage.isDirectory(new Path(in, "Annotations")) ? new Path(in, "Annotations") : in;
        Path root = annotations.equals(in) ? in.getParent() : in;
        Path images = req.images() != null ? Storage.path(req.images()) : new Path(root, "JPEGImages");
        boolean imagesKnown = req.images() != null || storage.isDirectory(images);
        List<Quarantined> problems = new ArrayList<>();
        List<Path> files = storage.listFiles(annotations, ".xml");
        if (req.split() != null) {
            files = selectSplit(root, annotations, files, problems);
        }
        if (files.isEmpty() && problems.isEmpty()) {
            throw new InputUnusableException("no .xml annotation files under " + annotations);
        }
        List<String> uris = new ArrayList<>(files.size());
        Map<String, Path> byStem = new HashMap<>();
        for (Path f : files) {
            String stem = ImageIds.stem(f.getName());
            Path first = byStem.putIfAbsent(stem, f);
            if (first != null) {
                problems.add(new Quarantined(f.toString(), QuarantineReason.DUPLICATE_IMAGE_ID,
                        "image id '" + stem + "' is already taken by " + first));
            } else {
                uris.add(f.toString());
            }
        }
        LOG.info("VOC: {} annotation files under {}, images {} {}", uris.size(), annotations, images,
                imagesKnown ? "" : "(folder not found: images are not checked)");
        HadoopConf hadoop = new HadoopConf(storage.conf());
        String imageRoot = images.toString();
        String split = req.split();
        long maxBytes = req.maxFileBytes();
        JavaRDD<IngestItem> items = jsc.parallelize(uris, slices(uris.size())).mapPartitions(it -> {
            VocParser parser = new VocParser();
            Storage fs = new Storage(hadoop.get());
            List<IngestItem> out = new ArrayList<>();
            while (it.hasNext()) {
                String uri = it.next();
                try {
                    out.add(parser.parse(fs.readBytes(new Path(uri), maxBytes), uri, new Path(imageRoot), split));
                } catch (IOException e) {
                    out.add(IngestItem.rejected(new Quarantined(uri, QuarantineReason.MALFORMED_ANNOTATION,
                            "cannot read: " + e.getMessage())));
                }
            }
            return out.iterator();
        });
        return new SourceData(items, given, problems, req.checkImages(imagesKnown));
    }

    private List<Path> selectSplit(Path root, Path annotations, List<Path> files, List<Quarantined> problems)
            throws IOException {
        Path list = new Path(root, "ImageSets/Main/" + req.split() + ".txt");
        if (!storage.exists(list)) {
            throw new InputUnusableException("split '" + req.split() + "' needs " + list + ", which does not exist");
        }
        Map<String, Path> byStem = new HashMap<>();
        for (Path f : files) {
            byStem.putIfAbsent(ImageIds.stem(f.getName()), f);
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

    private SourceData coco(ClassList given) throws IOException {
        Path in = Storage.path(req.input());
        if (!storage.exists(in) || storage.isDirectory(in)) {
            throw new InputUnusableException("COCO input " + in + " is not a file");
        }
        Path images = req.images() != null ? Storage.path(req.images()) : in.getParent();
        String split = req.split() != null ? req.split() : splitFromName(in.getName());
        long t0 = System.nanoTime();
        CocoParser.Result result;
        try (InputStream stream = storage.open(in)) {
            result = new CocoParser().parse(stream, in.toString(), images, split);
        } catch (IOException e) {
            throw new InputUnusableException(in + " is not a COCO instances file: " + e.getMessage(), e);
        }
        LOG.info("COCO: {} images, {} annotations, {} categories parsed from {} in {} ms",
                result.items().size(), result.annotations(), result.categories().size(), in,
                (System.nanoTime() - t0) / 1_000_000);
        ClassList classes = given;
        if (classes == null) {
            List<Map.Entry<Long, String>> cats = new ArrayList<>(result.categories().entrySet());
            cats.sort(Map.Entry.comparingByKey(Comparator.naturalOrder()));
            List<String> names = new ArrayList<>();
            for (Map.Entry<Long, String> e : cats) {
                names.add(e.getValue());
            }
            try {
                classes = new ClassList(names);
            } catch (IllegalArgumentException e) {
                throw new InputUnusableException(in + ": the categories cannot be classes: " + e.getMessage());
            }
        }
        JavaRDD<IngestItem> items = jsc.parallelize(result.items(), slices(result.items().size()));
        return new SourceData(items, classes, result.quarantined(), req.checkImages(req.images() != null));
    }

    /** instances_val2017.json -> val2017, the COCO naming; else no split */
    static String splitFromName(String fileName) {
        String stem = ImageIds.stem(fileName);
        return stem.startsWith("instances_") ? stem.substring("instances_".length()) : null;
    }

    private SourceData lines(ClassList given) throws IOException {
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
        return new SourceData(jsc.parallelize(items, slices(items.size())), given, problems,
                req.checkImages(true));
    }

    /** the distinct labels of the parsed objects, for a class list derived from the data */
    static List<String> distinctLabels(JavaRDD<IngestItem> items) {
        return items.flatMap(i -> i.record == null ? java.util.Collections.<String>emptyIterator()
                : i.record.objects.stream().map(o -> o.label).iterator()).distinct().collect();
    }
}
