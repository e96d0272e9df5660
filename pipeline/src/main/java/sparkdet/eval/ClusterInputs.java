package sparkdet.eval;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.hadoop.fs.Path;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.Optional;
import org.apache.spark.rdd.RDD;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;
import sparkdet.data.ClassList;
import sparkdet.data.ImageRecord;
import sparkdet.io.HadoopConf;
import sparkdet.io.InputUnusableException;
import sparkdet.io.Storage;

/**
 * The cluster path's inputs as Spark data sets keyed by image index, so that the driver holds
 * neither the ground truth nor the detections, only counts and the class list. The image index is
 * the single-machine path's ({@link EvalData}): images in COCO image id order, found by a
 * distributed sort. Detections find their image by Spark joins, one per {@link ImageKey} in its
 * order, each join taking only the detections the ones before it left unmatched.
 */
final class ClusterInputs implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterInputs.class);
    private static final StorageLevel KEPT = StorageLevel.MEMORY_AND_DISK_SER();

    private final JavaSparkContext jsc;
    private final int partitions;
    private final List<RDD<?>> persisted = new ArrayList<>();

    ClusterInputs(JavaSparkContext jsc, int partitions) {
        this.jsc = jsc;
        this.partitions = partitions;
    }

    /** the ground truth by image index, with what the driver keeps of it */
    record GroundTruth(JavaPairRDD<Long, GroundTruthImage> images, int count, ClassList classes, long[] categoryIds) {
    }

    /** detections by image index, and the number left out because no image has their name */
    record Detections(JavaPairRDD<Long, RawDetection> byImage, long unknownImage) {
    }

    /** ground truth read on the driver (a COCO JSON, a VOC folder), handed to the tasks */
    GroundTruth groundTruth(List<ImageRecord> records, ClassList classes, long[] categoryIds) {
        return groundTruth(jsc.parallelize(records, partitions), classes, categoryIds);
    }

    /**
     * @param categoryIds each class's COCO category id, or null to take them from the objects
     *     (class index + 1 unless every class has one)
     */
    GroundTruth groundTruth(JavaRDD<ImageRecord> records, ClassList classes, long[] categoryIds) {
        int k = classes.size();
        long[] ids = categoryIds != null ? categoryIds : EvalData.categoryIds(records
                .flatMapToPair(r -> r.objects.stream().filter(o -> o.categoryId >= 0)
                        .map(o -> new Tuple2<>(o.classIndex, o.categoryId)).iterator())
                .reduceByKey(Math::max).collectAsMap(), k);
        JavaPairRDD<Long, GroundTruthImage> images = records.map(r -> GroundTruthImage.of(r, k))
                .sortBy(g -> g.cocoId, true, partitions)
                .zipWithIndex()
                .mapToPair(Tuple2::swap);
        keep(images.rdd());
        // the sort's range partitioning puts equal ids in one partition, next to each other
        List<long[]> parts = images.mapPartitions(ClusterInputs::countAndFirstDuplicate).collect();
        long count = 0;
        for (long[] p : parts) {
            if (p[1] != 0) {
                throw new InputUnusableException(EvalData.duplicateId(p[2]));
            }
            count += p[0];
        }
        if (count > Integer.MAX_VALUE) {
            throw new InputUnusableException("the ground truth has " + count + " images, more than evaluate indexes ("
                    + Integer.MAX_VALUE + ")");
        }
        return new GroundTruth(images, (int) count, classes, ids);
    }

    /** one partition's [images, 1 if two share a COCO id else 0, that id] */
    private static Iterator<long[]> countAndFirstDuplicate(Iterator<Tuple2<Long, GroundTruthImage>> it) {
        long n = 0;
        long previous = 0;
        while (it.hasNext()) {
            long id = it.next()._2().cocoId;
            if (n++ > 0 && id == previous) {
                return List.of(new long[] {n, 1, id}).iterator();
            }
            previous = id;
        }
        return List.of(new long[] {n, 0, 0}).iterator();
    }

    /** a COCO results file, streamed by one task (a JSON array cannot be split) */
    JavaRDD<RawDetection> cocoResults(String file, HadoopConf hadoop, ClassKeys classes) {
        return jsc.parallelize(List.of(file), 1).flatMap(f -> {
            Path p = Storage.path(f);
            InputStream in = null;
            CocoResultsReader.Entries entries;
            try {
                in = new Storage(hadoop.get()).open(p);
                entries = new CocoResultsReader.Entries(in, p.toString(), classes);
            } catch (IOException e) {
                if (in != null) {
                    in.close();
                }
                return List.of(RawDetection.unreadable(e.getMessage())).iterator();
            }
            InputStream stream = in;
            TaskContext task = TaskContext.get();
            if (task != null) {
                task.addTaskCompletionListener((TaskContext t) -> closeQuietly(entries, stream));
            }
            return new Streamed(entries);
        });
    }

    /**
     * a folder of get_map.py txt files, listed here, read by the tasks; a file's number in the
     * sorted listing is the first part of its detections' sequence numbers
     */
    JavaRDD<RawDetection> txtFiles(List<Path> files, HadoopConf hadoop, ClassKeys classes, long maxFileBytes) {
        List<Tuple2<String, Integer>> numbered = new ArrayList<>(files.size());
        for (int f = 0; f < files.size(); f++) {
            numbered.add(new Tuple2<>(files.get(f).toString(), f));
        }
        return jsc.parallelize(numbered, Math.max(1, Math.min(partitions, files.size()))).flatMap(file -> {
            Path p = new Path(file._1());
            try {
                String text = new String(new Storage(hadoop.get()).readBytes(p, maxFileBytes), StandardCharsets.UTF_8);
                return DetectionTxtReader.parse(p.getName(), text, p.toString(), file._2(), classes).iterator();
            } catch (IOException e) {
                return List.of(RawDetection.unreadable(e.getMessage())).iterator();
            }
        });
    }

    /**
     * the detections by image index, matched by {@code keys} in order
     *
     * @param unknownIsError a detection no image has is an error (COCO results, as in pycocotools)
     *     rather than counted (txt files)
     * @throws InputUnusableException for a detection that could not be read, or an unknown image
     */
    Detections byImage(JavaRDD<RawDetection> read, GroundTruth gt, List<ImageKey> keys, boolean unknownIsError,
                       String source) {
        JavaRDD<RawDetection> pending = read;
        JavaPairRDD<Long, RawDetection> found = null;
        for (ImageKey key : keys) {
            JavaPairRDD<Object, Long> index = gt.images()
                    .mapToPair(g -> new Tuple2<Object, Long>(key.ofImage(g._2().cocoId, g._2().fileName), g._1()))
                    .reduceByKey(Math::min);
            JavaRDD<Tuple2<RawDetection, Optional<Long>>> joined = pending
                    .mapToPair(d -> new Tuple2<>(keyOf(key, d), d))
                    .leftOuterJoin(index, partitions)
                    .values();
            keep(joined.rdd());
            JavaPairRDD<Long, RawDetection> matched = joined.filter(t -> t._2().isPresent())
                    .mapToPair(t -> new Tuple2<>(t._2().get(), t._1()));
            found = found == null ? matched : found.union(matched);
            pending = joined.filter(t -> !t._2().isPresent()).map(Tuple2::_1);
            if (pending.isEmpty()) {
                return new Detections(found, 0);
            }
            List<String> problems = pending.filter(d -> d.problem != null).map(d -> d.problem).take(1);
            if (!problems.isEmpty()) {
                throw new InputUnusableException(problems.get(0));
            }
        }
        long unknown = pending.count();
        if (unknownIsError) {
            List<Tuple2<Long, Long>> first = pending.map(d -> new Tuple2<>(d.sequence, d.imageId))
                    .takeOrdered(CocoResultsReader.NAMED, BY_SEQUENCE);
            throw new InputUnusableException(CocoResultsReader.unknownImages(source, unknown,
                    first.stream().map(Tuple2::_2).toList()));
        }
        return new Detections(found, unknown);
    }

    private static final Comparator<Tuple2<Long, Long>> BY_SEQUENCE =
            (Comparator<Tuple2<Long, Long>> & Serializable) (x, y) -> Long.compare(x._1(), y._1());

    /** the key no ground-truth image has: a detection without a key of this kind joins nothing */
    private record NoKey() implements Serializable {
    }

    private static Object keyOf(ImageKey key, RawDetection d) {
        Object k = d.problem == null ? key.of(d) : null;
        return k != null ? k : new NoKey();
    }

    private void keep(RDD<?> rdd) {
        rdd.persist(KEPT);
        persisted.add(rdd);
    }

    /** frees what was kept for the evaluation's jobs */
    @Override
    public void close() {
        persisted.forEach(r -> r.unpersist(false));
    }

    private static void closeQuietly(AutoCloseable... resources) {
        for (AutoCloseable r : resources) {
            try {
                r.close();
            } catch (Exception e) {
                LOG.debug("closing a detections stream: {}", e.toString());
            }
        }
    }

    /** a results file's entries as an iterator; a problem ends it with an unreadable row */
    private static final class Streamed implements Iterator<RawDetection> {
        private final CocoResultsReader.Entries entries;
        private RawDetection next;
        private boolean ended;

        Streamed(CocoResultsReader.Entries entries) {
            this.entries = entries;
        }

        @Override
        public boolean hasNext() {
            if (next == null && !ended) {
                try {
                    next = entries.next();
                } catch (IOException e) {
                    next = RawDetection.unreadable(e.getMessage());
                    ended = true;
                }
                if (next == null) {
                    ended = true;
                }
            }
            return next != null;
        }

        @Override
        public RawDetection next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            RawDetection d = next;
            next = null;
            return d;
        }
    }
}
