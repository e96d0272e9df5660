package sparkdet.eval;

import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;

/**
 * evaluate on a cluster, for detection sets no single machine should hold. Stage one: each task
 * reads one shard of the images' detections (see {@link DetectionShards}), takes the ground truth
 * of the same images from a broadcast, and matches them as the single-machine path does, image by
 * image: COCO's per-(category, area) buckets, the VOC devkit's per-class outcomes, the confusion
 * counts. Stage two: the parts of each (category, area) and each class meet in one task, merge
 * in image order (COCO) or score order (VOC), and are accumulated there; only the small results
 * (101 x 10 precisions per maxDets, a class's AP and a sampled curve) reach the driver. The
 * numbers are the single-machine path's, to the last bit: the same code runs on the same
 * detections in the same order.
 */
final class ShardedEvaluation {
    private static final Logger LOG = LoggerFactory.getLogger(ShardedEvaluation.class);
    private static final int A = CocoParams.AREA_RANGES.length;
    /** points per class kept of the precision/recall curve for the plots and the CSV */
    static final int CURVE_POINTS = 20_000;

    private ShardedEvaluation() {
    }

    /** what evaluate needs of the ground truth and the request, broadcast to every task */
    record Setup(BoxTable gt, int images, long[] categoryIds, int[] maxDets, boolean coco, double iou, boolean plus1,
                 double scoreThreshold, long[][] positives) implements Serializable {
        int classes() {
            return categoryIds.length;
        }

        int vocKey(int c) {
            return classes() * A + c;
        }

        int totalsKey() {
            return classes() * A + classes();
        }
    }

    /** one class's VOC outcomes from one shard, in matching order (descending score, then sequence) */
    record VocPart(double[] scores, long[] sequence, byte[] outcomes) implements Serializable {
    }

    /** a shard's counts; error: why its detections could not be read, else null */
    record Totals(long[][] confusion, long detections, long unknownClass, long unknownImage, long negativeScores,
                  long negativeSizes, String error)
            implements Serializable {
        Totals plus(Totals o) {
            long[][] sum = new long[confusion.length][];
            for (int r = 0; r < sum.length; r++) {
                sum[r] = confusion[r].clone();
                for (int c = 0; c < sum[r].length; c++) {
                    sum[r][c] += o.confusion[r][c];
                }
            }
            return new Totals(sum, detections + o.detections, unknownClass + o.unknownClass,
                    unknownImage + o.unknownImage, negativeScores + o.negativeScores, negativeSizes + o.negativeSizes,
                    error != null ? error : o.error);
        }
    }

    /** the results, as the single-machine path has them */
    record Result(CocoMetrics coco, VocMetrics voc, Totals totals, double evaluateSeconds, double accumulateSeconds) {
    }

    static Result run(JavaSparkContext jsc, Setup setup, DetectionShards source) throws IOException {
        long t0 = System.nanoTime();
        Broadcast<Setup> shared = jsc.broadcast(setup);
        int shards = source.shards();
        LOG.info("evaluating {} ground-truth images in {} shards", setup.images(), shards);
        List<Tuple2<Integer, Object>> results = jsc.parallelize(IntStream.range(0, shards).boxed().toList(), shards)
                .flatMapToPair(shard -> matchShard(shared.value(), source, shard))
                .groupByKey(shards)
                .mapToPair(group -> new Tuple2<>(group._1(), reduce(shared.value(), group._1(), group._2())))
                .collect();
        double evaluate = (System.nanoTime() - t0) / 1e9;
        long t1 = System.nanoTime();
        Totals totals = null;
        CocoAccumulation coco = new CocoAccumulation(setup.categoryIds(), setup.maxDets());
        VocMetrics.ClassResult[] voc = new VocMetrics.ClassResult[setup.classes()];
        for (Tuple2<Integer, Object> r : results) {
            int key = r._1();
            if (key == setup.totalsKey()) {
                totals = (Totals) r._2();
            } else if (key >= setup.vocKey(0)) {
                voc[key - setup.vocKey(0)] = (VocMetrics.ClassResult) r._2();
            } else if (r._2() != null) {
                coco.put(key / A, key % A, (CocoAccumulation.Curves) r._2());
            }
        }
        if (totals != null && totals.error() != null) {
            throw new IOException(totals.error());
        }
        for (int c = 0; c < voc.length; c++) {
            if (voc[c] == null) {
                voc[c] = VocEvaluator.classResult(setup.positives()[0][c], setup.positives()[1][c], new double[0],
                        new byte[0], setup.scoreThreshold());
            }
        }
        VocMetrics vocMetrics = new VocEvaluator(setup.classes(), setup.iou(), setup.plus1())
                .metrics(voc, setup.scoreThreshold());
        CocoMetrics cocoMetrics = setup.coco() ? coco.summarize() : null;
        return new Result(cocoMetrics, vocMetrics, totals, evaluate, (System.nanoTime() - t1) / 1e9);
    }

    /** stage one: one shard's detections matched against its images' ground truth */
    private static Iterator<Tuple2<Integer, Object>> matchShard(Setup setup, DetectionShards source, int shard) {
        int shards = source.shards();
        int k = setup.classes();
        List<Tuple2<Integer, Object>> out = new ArrayList<>();
        DetectionShards.Shard read;
        try {
            read = source.read(shard);
        } catch (IOException e) {
            out.add(new Tuple2<>(setup.totalsKey(), new Totals(new long[k + 1][k + 1], 0, 0, 0, 0, 0, e.getMessage())));
            return out.iterator();
        }
        int images = (setup.images() - shard + shards - 1) / shards;
        BoxTable gt = setup.gt().shard(shards, shard);
        BoxTable dt = read.boxes().shard(shards, shard);
        if (setup.coco()) {
            CocoEvaluator coco = new CocoEvaluator(images, setup.categoryIds(), setup.maxDets());
            coco.evaluate(gt, dt, local -> local * shards + shard);
            for (int c = 0; c < k; c++) {
                for (int a = 0; a < A; a++) {
                    CocoBucket b = coco.bucket(c, a);
                    if (b.entries > 0) {
                        out.add(new Tuple2<>(c * A + a, b.trimmed()));
                    }
                }
            }
        }
        VocEvaluator.ClassMatches[] matches = new VocEvaluator(k, setup.iou(), setup.plus1()).match(gt, dt, images);
        for (int c = 0; c < k; c++) {
            int[] rows = matches[c].rows();
            if (rows.length > 0) {
                double[] scores = new double[rows.length];
                long[] sequence = new long[rows.length];
                for (int i = 0; i < rows.length; i++) {
                    scores[i] = dt.score[rows[i]];
                    sequence[i] = read.sequence()[rows[i]];
                }
                out.add(new Tuple2<>(setup.vocKey(c), new VocPart(scores, sequence, matches[c].outcomes())));
            }
        }
        long[][] confusion = ConfusionMatrix.compute(gt, dt, images, k, 0.5, setup.scoreThreshold());
        out.add(new Tuple2<>(setup.totalsKey(), new Totals(confusion, dt.size(), read.unknownClass(),
                read.unknownImage(), dt.negativeScores(), dt.negativeSizes(), null)));
        return out.iterator();
    }

    /** stage two: the parts of one key merged and accumulated */
    private static Object reduce(Setup setup, int key, Iterable<Object> parts) {
        if (key == setup.totalsKey()) {
            Totals sum = null;
            for (Object p : parts) {
                sum = sum == null ? (Totals) p : sum.plus((Totals) p);
            }
            return sum;
        }
        if (key >= setup.vocKey(0)) {
            int c = key - setup.vocKey(0);
            VocPart merged = mergeByScore(parts);
            return VocEvaluator.classResult(setup.positives()[0][c], setup.positives()[1][c], merged.scores(),
                    merged.outcomes(), setup.scoreThreshold()).withCurveSampled(CURVE_POINTS);
        }
        List<CocoBucket> buckets = new ArrayList<>();
        parts.forEach(p -> buckets.add((CocoBucket) p));
        return CocoAccumulation.curves(CocoBucket.merge(buckets), setup.maxDets());
    }

    /** the devkit's order over all shards: descending score, equal scores in sequence order */
    static VocPart mergeByScore(Iterable<Object> parts) {
        List<VocPart> list = new ArrayList<>();
        parts.forEach(p -> list.add((VocPart) p));
        int n = list.stream().mapToInt(p -> p.scores().length).sum();
        double[] scores = new double[n];
        long[] sequence = new long[n];
        byte[] outcomes = new byte[n];
        int[] cursor = new int[list.size()];
        PriorityQueue<Integer> heads = new PriorityQueue<>((a, b) -> {
            VocPart pa = list.get(a);
            VocPart pb = list.get(b);
            double sa = pa.scores()[cursor[a]];
            double sb = pb.scores()[cursor[b]];
            if (sa != sb) {
                return sa > sb ? -1 : 1;   // as the stable sort compares: -0.0 and 0.0 tie
            }
            return Long.compare(pa.sequence()[cursor[a]], pb.sequence()[cursor[b]]);
        });
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i).scores().length > 0) {
                heads.add(i);
            }
        }
        for (int j = 0; j < n; j++) {
            int i = heads.poll();
            VocPart p = list.get(i);
            scores[j] = p.scores()[cursor[i]];
            sequence[j] = p.sequence()[cursor[i]];
            outcomes[j] = p.outcomes()[cursor[i]];
            if (++cursor[i] < p.scores().length) {
                heads.add(i);
            }
        }
        return new VocPart(scores, sequence, outcomes);
    }
}
