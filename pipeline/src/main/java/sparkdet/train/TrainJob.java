package sparkdet.train;

import static org.apache.spark.sql.functions.col;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.hadoop.fs.Path;
import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sparkdet.data.BoxObject;
import sparkdet.data.ClassList;
import sparkdet.data.DatasetSchema;
import sparkdet.data.Datasets;
import sparkdet.data.ImageRecord;
import sparkdet.io.HadoopConf;
import sparkdet.io.InputUnusableException;
import sparkdet.io.OutputGuard;
import sparkdet.io.Storage;
import sparkdet.model.FamilyOptions;
import sparkdet.model.ModelSpec;
import sparkdet.model.Weights;

/**
 * train on the driver: check the recipe against the dataset, split train and validation, let the
 * model family fit its options to the training data (k-means anchors for the anchor-based YOLOs)
 * or take them from the checkpoint being resumed, then run the ranks as one Spark barrier stage
 * (see {@link RankTrainer}); a failed task makes Spark retry the whole stage, which resumes from
 * the last checkpoint.
 */
public final class TrainJob {
    private static final Logger LOG = LoggerFactory.getLogger(TrainJob.class);
    /** boxes sampled for the family's fit (k-means anchors): plenty for a few clusters */
    private static final int ANCHOR_SAMPLE = 100_000;

    private final SparkSession spark;

    public TrainJob(SparkSession spark) {
        this.spark = spark;
    }

    /** what the run did, rank by rank */
    public record Summary(String model, List<RankResult> ranks, ModelSpec spec, int trainImages,
                          int validationImages) {
        public boolean ranksAgree() {
            return ranks.stream().mapToLong(RankResult::parameterCrc).distinct().count() == 1;
        }
    }

    public Summary run(Recipe recipe, boolean resume, boolean overwrite) throws IOException {
        Storage storage = new Storage(spark.sparkContext().hadoopConfiguration());
        Path output = Storage.path(recipe.output());
        Checkpoints checkpoints = new Checkpoints(storage, output);
        if (resume && !checkpoints.exists(Checkpoints.LAST)) {
            throw new InputUnusableException("--resume: " + checkpoints.path(Checkpoints.LAST) + " does not exist");
        }
        if (!resume) {
            boolean replacing;
            try {
                // never deletes the data it trains on or the weights it starts from
                replacing = OutputGuard.check(storage, output, overwrite, recipe.data(), recipe.valData(),
                        recipe.pretrained());
            } catch (OutputGuard.OutputExistsException e) {
                throw new OutputGuard.OutputExistsException(output, "--resume continues that run, --overwrite starts over");
            }
            if (replacing) {
                storage.fs(output).delete(output, true);
            }
        }
        if (recipe.pretrained() != null && !storage.exists(Storage.path(recipe.pretrained()))) {
            throw new InputUnusableException("train.pretrained: " + recipe.pretrained() + " does not exist");
        }
        Datasets ds = Datasets.open(spark, recipe.data());
        ClassList classes = new ClassList(recipe.classes().isEmpty() ? ds.classes().names() : recipe.classes());
        int[] remap = remap(ds.classes(), classes, recipe.data());
        // the training records stay in Spark: read by the executors, cached there, then dealt into shards
        Dataset<Row> trainRows = ds.rows();
        List<ImageRecord> val = new ArrayList<>();
        if (recipe.valData() != null) {
            Datasets valSet = Datasets.open(spark, recipe.valData());
            val.addAll(collect(valSet.rows(), remap(valSet.classes(), classes, recipe.valData())));
        } else if (hasSplit(trainRows, recipe.trainSplit())) {
            val.addAll(collect(trainRows.filter(col("split").equalTo(recipe.valSplit())), remap));
            trainRows = trainRows.filter(col("split").equalTo(recipe.trainSplit()));
        } else {
            Column held = validationByImageId(recipe.valFraction());
            val.addAll(collect(trainRows.filter(held), remap));
            trainRows = trainRows.filter(functions.not(held));
        }
        JavaRDD<ImageRecord> train = trainRows.toJavaRDD().map(r -> withClasses(DatasetSchema.fromRow(r), remap))
                .persist(StorageLevel.MEMORY_AND_DISK());
        try {
            long trainImages = train.count();
            if (trainImages == 0) {
                throw new InputUnusableException(recipe.data() + " has no training images (split '"
                        + recipe.trainSplit() + "')");
            }
            FamilyOptions options = resume ? checkpoints.options(Checkpoints.LAST, recipe.family())
                    : recipe.family().fit(() -> boxSizes(train, recipe), recipe.seed());
            ModelSpec spec = recipe.spec(classes, options);
            if (recipe.pretrained() != null && !resume) {
                // checked here, where an unusable file is one clear error instead of a barrier stage
                // failing on rank 0 and retried
                Weights.loadPretrained(spec.newNetwork(), storage, recipe.pretrained(), recipe.pretrainedMaxBytes());
            }
            JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            int workers = recipe.workers() > 0 ? recipe.workers() : defaultWorkers(jsc);
            LOG.info("training {} on {} images ({} validation) with {} worker(s): {}", classes.names(),
                    trainImages, val.size(), workers, spec.summary());
            Broadcast<List<ImageRecord>> validation = jsc.broadcast(val);
            int threads = recipe.threadsPerWorker() > 0 ? recipe.threadsPerWorker() : coresPerWorker(jsc, workers);
            LOG.info("{} libtorch thread(s) per worker", threads);
            RankTrainer ranks = new RankTrainer(recipe, threads, spec, validation,
                    new HadoopConf(spark.sparkContext().hadoopConfiguration()), resume, recipe.collectiveTimeout(),
                    jsc.master().startsWith("local") && System.console() != null);
            // the shuffle after the barrier stage makes it a map stage: Spark retries a failed barrier
            // map stage whole, but gives up on a failed barrier result stage
            List<RankResult> results = new ArrayList<>(BarrierStage.mapPartitions(shards(train, workers), ranks)
                    .repartition(1).collect());
            results.sort(Comparator.comparingInt(RankResult::rank));
            return new Summary(new Path(output, RankTrainer.MODEL_FILE).toString(), results, spec,
                    (int) trainImages, val.size());
        } finally {
            train.unpersist(false);
        }
    }

    /**
     * the records dealt into {@code workers} partitions by a hash of their image id: the same shards
     * in every attempt of the stage and every resumed run (a rank sorts its shard before shuffling)
     */
    private static JavaRDD<ImageRecord> shards(JavaRDD<ImageRecord> train, int workers) {
        return train.keyBy(r -> r.imageId).partitionBy(new HashPartitioner(workers)).values();
    }

    private static boolean hasSplit(Dataset<Row> rows, String split) {
        return !rows.filter(col("split").equalTo(split)).limit(1).isEmpty();
    }

    /** a dataset without splits: a fraction of the images, chosen by a hash of the image id, validates */
    private static Column validationByImageId(double fraction) {
        return functions.pmod(functions.xxhash64(col("image_id")), functions.lit(1_000_000L))
                .lt(functions.lit(Math.round(fraction * 1_000_000)));
    }

    private static List<ImageRecord> collect(Dataset<Row> rows, int[] remap) {
        List<ImageRecord> out = new ArrayList<>();
        rows.toLocalIterator().forEachRemaining(r -> out.add(withClasses(DatasetSchema.fromRow(r), remap)));
        return out;
    }

    /** the training boxes' (w, h) as the letterbox scales them; a uniform sample when there are many */
    private static List<float[]> boxSizes(JavaRDD<ImageRecord> train, Recipe recipe) {
        int size = recipe.inputSize();
        JavaRDD<float[]> sizes = train.flatMap(r -> letterboxedSizes(r, size).iterator());
        long n = sizes.count();
        return n <= ANCHOR_SAMPLE ? sizes.collect() : sizes.takeSample(false, ANCHOR_SAMPLE, recipe.seed());
    }

    /** dataset class index -> recipe class index; a dataset class the recipe lacks is an error */
    static int[] remap(ClassList dataset, ClassList recipe, String data) {
        int[] out = new int[dataset.size()];
        Set<String> missing = new TreeSet<>();
        for (int c = 0; c < dataset.size(); c++) {
            out[c] = recipe.indexOf(dataset.name(c));
            if (out[c] < 0) {
                missing.add(dataset.name(c));
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("classes " + missing + " are in " + data + " but not in the recipe's "
                    + "classes " + recipe.names() + ": add them to train.classes, or leave train.classes empty");
        }
        return out;
    }

    private static ImageRecord withClasses(ImageRecord r, int[] remap) {
        List<BoxObject> objects = new ArrayList<>(r.objects.size());
        for (BoxObject o : r.objects) {
            objects.add(o.withClass(remap[o.classIndex], o.label));
        }
        return r.withObjects(objects);
    }

    /** an image's boxes' (w, h) once the image is letterboxed to the input size */
    static List<float[]> letterboxedSizes(ImageRecord r, int inputSize) {
        double scale = (double) inputSize / Math.max(r.width, r.height);
        List<float[]> wh = new ArrayList<>(r.objects.size());
        for (BoxObject o : r.objects) {
            wh.add(new float[] {(float) (o.width() * scale), (float) (o.height() * scale)});
        }
        return wh;
    }

    /**
     * the cores each rank has: local[N]'s N over the workers (a rank computes while the other tasks
     * of its stage wait at the barrier), on a cluster spark.executor.cores, else the application's
     * cores over the workers
     */
    private static int coresPerWorker(JavaSparkContext jsc, int workers) {
        if (!jsc.master().startsWith("local") && jsc.getConf().contains("spark.executor.cores")) {
            return Math.max(1, jsc.getConf().getInt("spark.executor.cores", 1));
        }
        return Math.max(1, jsc.defaultParallelism() / workers);
    }

    /** one per executor on a cluster, one in local mode (its tasks share one JVM's cores) */
    private static int defaultWorkers(JavaSparkContext jsc) {
        if (jsc.master().startsWith("local")) {
            return 1;
        }
        return Math.max(1, jsc.sc().statusTracker().getExecutorInfos().length - 1);
    }
}
