package sparkdet.train;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sparkdet.data.BoxObject;
import sparkdet.data.ClassList;
import sparkdet.data.DatasetSchema;
import sparkdet.data.Datasets;
import sparkdet.data.ImageRecord;
import sparkdet.io.HadoopConf;
import sparkdet.io.InputUnusableException;
import sparkdet.io.Storage;
import sparkdet.model.Anchors;

/**
 * train on the driver: check the recipe against the dataset, split train and validation, compute
 * the anchors, then run the ranks as one Spark barrier stage (see {@link RankTrainer}); a failed
 * task makes Spark retry the whole stage, which resumes from the last checkpoint.
 */
public final class TrainJob {
    private static final Logger LOG = LoggerFactory.getLogger(TrainJob.class);
    /** boxes sampled for k-means: plenty for six clusters */
    private static final int ANCHOR_SAMPLE = 100_000;

    private final SparkSession spark;

    public TrainJob(SparkSession spark) {
        this.spark = spark;
    }

    /** what the run did, rank by rank */
    public record Summary(String model, List<RankResult> ranks, float[][] anchors, int trainImages,
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
        if (!resume && !overwrite && storage.exists(output)) {
            throw new InputUnusableException(output + " exists: --resume continues that run, --overwrite starts over");
        }
        if (overwrite && !resume && storage.exists(output)) {
            storage.fs(output).delete(output, true);
        }
        Datasets ds = Datasets.open(spark, recipe.data());
        ClassList classes = new ClassList(recipe.classes().isEmpty() ? ds.classes().names() : recipe.classes());
        int[] remap = remap(ds.classes(), classes, recipe.data());
        List<ImageRecord> all = records(ds, remap);
        List<ImageRecord> train = new ArrayList<>();
        List<ImageRecord> val = new ArrayList<>();
        if (recipe.valData() != null) {
            Datasets valSet = Datasets.open(spark, recipe.valData());
            train.addAll(all);
            val.addAll(records(valSet, remap(valSet.classes(), classes, recipe.valData())));
        } else {
            split(all, recipe, train, val);
        }
        if (train.isEmpty()) {
            throw new InputUnusableException(recipe.data() + " has no training images (split '" + recipe.trainSplit()
                    + "')");
        }
        float[][] anchors = resume ? anchorsOf(checkpoints.state(Checkpoints.LAST)) : anchors(recipe, train);
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        int workers = recipe.workers() > 0 ? recipe.workers() : defaultWorkers(jsc);
        LOG.info("training {} on {} images ({} validation) with {} worker(s), anchors {}", classes.names(), train.size(),
                val.size(), workers, java.util.Arrays.deepToString(anchors));
        Broadcast<List<ImageRecord>> validation = jsc.broadcast(val);
        JavaRDD<ImageRecord> shards = jsc.parallelize(train, workers);
        RankTrainer ranks = new RankTrainer(recipe, classes.names(), anchors, validation,
                new HadoopConf(spark.sparkContext().hadoopConfiguration()), resume, recipe.collectiveTimeout());
        // the shuffle after the barrier stage makes it a map stage: Spark retries a failed barrier
        // map stage whole, but gives up on a failed barrier result stage
        List<RankResult> results = new ArrayList<>(BarrierStage.mapPartitions(shards, ranks).repartition(1)
                .collect());
        results.sort(Comparator.comparingInt(RankResult::rank));
        return new Summary(new Path(output, RankTrainer.MODEL_FILE).toString(), results, anchors, train.size(),
                val.size());
    }

    private static List<ImageRecord> records(Datasets ds, int[] remap) {
        List<ImageRecord> out = new ArrayList<>();
        ds.rows().toLocalIterator().forEachRemaining(r -> out.add(withClasses(DatasetSchema.fromRow(r), remap)));
        return out;
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

    /** by ingest's split column; a dataset without the training split is divided by image id */
    private static void split(List<ImageRecord> all, Recipe recipe, List<ImageRecord> train, List<ImageRecord> val) {
        boolean hasSplit = all.stream().anyMatch(r -> recipe.trainSplit().equals(r.split));
        for (ImageRecord r : all) {
            if (hasSplit) {
                if (recipe.trainSplit().equals(r.split)) {
                    train.add(r);
                } else if (recipe.valSplit().equals(r.split)) {
                    val.add(r);
                }
            } else {
                double u = (r.imageId.hashCode() & 0x7fffffff) / (double) Integer.MAX_VALUE;
                (u < recipe.valFraction() ? val : train).add(r);
            }
        }
    }

    /** the recipe's anchors, or k-means over the training boxes as the letterbox scales them */
    static float[][] anchors(Recipe recipe, List<ImageRecord> train) {
        if (!recipe.anchors().isEmpty()) {
            float[][] a = new float[6][2];
            for (int i = 0; i < 6; i++) {
                a[i][0] = recipe.anchors().get(2 * i).floatValue();
                a[i][1] = recipe.anchors().get(2 * i + 1).floatValue();
            }
            return a;
        }
        List<float[]> sizes = new ArrayList<>();
        java.util.Random rnd = new java.util.Random(recipe.seed());
        long seen = 0;
        for (ImageRecord r : train) {
            double scale = (double) recipe.inputSize() / Math.max(r.width, r.height);
            for (BoxObject o : r.objects) {
                float[] wh = {(float) (o.width() * scale), (float) (o.height() * scale)};
                seen++;
                // reservoir sampling keeps the sample uniform whatever the dataset's size
                if (sizes.size() < ANCHOR_SAMPLE) {
                    sizes.add(wh);
                } else {
                    long j = (long) (rnd.nextDouble() * seen);
                    if (j < ANCHOR_SAMPLE) {
                        sizes.set((int) j, wh);
                    }
                }
            }
        }
        if (sizes.size() < 6) {
            LOG.warn("{} training boxes are too few for k-means: the reference anchors are used", sizes.size());
            return Anchors.yolov4TinyDefaults();
        }
        return Anchors.kmeans(sizes.toArray(new float[0][]), 6, recipe.seed());
    }

    private static float[][] anchorsOf(Checkpoints.State state) {
        float[][] a = new float[state.anchors().size()][2];
        for (int i = 0; i < a.length; i++) {
            a[i][0] = state.anchors().get(i).get(0).floatValue();
            a[i][1] = state.anchors().get(i).get(1).floatValue();
        }
        return a;
    }

    /** one per executor on a cluster, one in local mode (its tasks share one JVM's cores) */
    private static int defaultWorkers(JavaSparkContext jsc) {
        if (jsc.master().startsWith("local")) {
            return 1;
        }
        return Math.max(1, jsc.sc().statusTracker().getExecutorInfos().length - 1);
    }
}
