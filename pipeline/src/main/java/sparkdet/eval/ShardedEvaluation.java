package sparkdet.eval;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.PriorityQueue;
import org.apache.spark.api.java.JavaPairRDD;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;

/**
 * evaluate on a cluster, for sets no single machine should hold. Stage one: the ground truth and
 * the detections, keyed by image index ({@link ClusterInputs}), meet in one task per shard (the
 * images whose index is the shard modulo the shards), which matches them as the single-machine
 * path does, image by image: COCO's per-(category, area) buckets, the VOC devkit's per-class
 * outcomes and positives, the confusion counts. Stage two: the parts of each (category, area) and
 * each class meet in one task, merge in image order (COCO) or score order (VOC), and are
 * accumulated there; only the small results (101 x 10 precisions per maxDets, a class's AP and a
 * sampled curve) reach the driver. The numbers are the single-machine path's, to the last bit:
 * the same code runs on the same detections in the same order.
 */
final class ShardedEvaluation {
    private static final Logger LOG = LoggerFactory.getLogger(ShardedEvaluation.class);
    private static final int A = CocoParams.AREA_RANGES.length;
    /** points per class kept of the precision/recall curve for the plots and the CSV */
    static final int CURVE_POINTS = 20_000;

    private ShardedEvaluation() {
    }

    /** what every task needs to know: the image count, the classes' ids and the request (small) */
    record Setup(int images, long[] categoryIds, int[] maxDets, boolean coco, double iou, boolean plus1,
                 double scoreThreshold) implements Serializable {
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

    /**
     * one class's VOC outcomes from one shard, in matching order (descending score, then
     * sequence), and the shard's ground-truth objects of the class (npos: not difficult)
     */
    record VocPart(double[] scores, long[] sequence, byte[] outcomes, long npos, long difficult)
            implements Serializable {
    }

    /**
     * a shard's counts, with its images' outcomes (one row each: the only per-image result that
     * reaches the driver, about 100 bytes an image)
     */
    record Totals(long[][] confusion, ImageOutcomes perImage, long gtBoxes, long detections, long unknownClass,
                  long negativeScores, long negativeSizes) implements Serializable {
        static Totals none(int classes) {
            return new Totals(new long[classes + 1][classes + 1], ImageOutcomes.none(), 0, 0, 0, 0, 0);
        }

        /** the shards' counts summed, their images in image order */
        static Totals sum(int classes, List<Totals> parts) {
            long[][] confusion = new long[classes + 1][classes + 1];
            long gtBoxes = 0;
            long detections = 0;
            long unknownClass = 0;
            long negativeScores = 0;
            long negativeSizes = 0;
            for (Totals p : parts) {
                for (int r = 0; r < confusion.length; r++) {
                    for (int c = 0; c < confusion[r].length; c++) {
                        confusion[r][c] += p.confusion[r][c];
                    }
                }
                gtBoxes += p.gtBoxes;
                detections += p.detections;
                unknownClass += p.unknownClass;
                negativeScores += p.negativeScores;
                negativeSizes += p.negativeSizes;
            }
            return new Totals(confusion, ImageOutcomes.concat(parts.stream().map(Totals::perImage).toList()), gtBoxes,
                    detections, unknownClass, negativeScores, negativeSizes);
        }
    }

    /** the results, as the single-machine path has them */
    record Result(CocoMetrics coco, VocMetrics voc, Totals totals, double evaluateSeconds, double accumulateSeconds) {
    }

    static Result run(Setup setup, int shards, JavaPairRDD<Long, GroundTruthImage> gt,
                      JavaPairRDD<Long, RawDetection> detections) {
        long t0 = System.nanoTime();
        LOG.info("evaluating {} ground-truth images in {} shards", setup.images(), shards);
        List<Tuple2<Integer, Object>> results = gt.mapToPair(g -> new Tuple2<>((int) (g._1() % shards), g))
                .cogroup(detections.mapToPair(d -> new Tuple2<>((int) (d._1() % shards), d)), shards)
                .flatMapToPair(s -> matchShard(setup, shards, s._1(), s._2()._1(), s._2()._2()))
                .groupByKey(shards)
                .mapToPair(group -> new Tuple2<>(group._1(), reduce(setup, group._1(), group._2())))
                .collect();
        double evaluate = (System.nanoTime() - t0) / 1e9;
        long t1 = System.nanoTime();
        Totals totals = Totals.none(setup.classes());
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
        for (int c = 0; c < voc.length; c++) {
            if (voc[c] == null) {
                voc[c] = VocEvaluator.classResult(0, 0, new double[0], new byte[0], setup.scoreThreshold());
            }
        }
        VocMetrics vocMetrics = new VocEvaluator(setup.classes(), setup.iou(), setup.plus1())
                .metrics(voc, setup.scoreThreshold());
        CocoMetrics cocoMetrics = setup.coco() ? coco.summarize() : null;
        return new Result(cocoMetrics, vocMetrics, totals, evaluate, (System.nanoTime() - t1) / 1e9);
    }

    /** stage one: one shard's detections matched against its images' ground truth */
    private static Iterator<Tuple2<Integer, Object>> matchShard(Setup setup, int shards, int shard,
                                                                Iterable<Tuple2<Long, GroundTruthImage>> images,
                                                                Iterable<Tuple2<Long, RawDetection>> detections) {
        int k = setup.classes();
        List<Tuple2<Long, GroundTruthImage>> sortedImages = new ArrayList<>();
        images.forEach(sortedImages::add);
        sortedImages.sort(Comparator.comparingLong(Tuple2::_1));
        BoxTable gt = new BoxTable();
        for (Tuple2<Long, GroundTruthImage> g : sortedImages) {
            g._2().addTo(gt, (int) (g._1() / shards));
        }
        List<Tuple2<Long, RawDetection>> inFileOrder = new ArrayList<>();
        detections.forEach(inFileOrder::add);
        inFileOrder.sort(Comparator.comparingLong(d -> d._2().sequence));
        BoxTable dt = new BoxTable();
        long[] sequence = new long[inFileOrder.size()];
        long unknownClass = 0;
        for (Tuple2<Long, RawDetection> d : inFileOrder) {
            if (d._2().classIndex < 0) {
                unknownClass++;
            } else {
                sequence[d._2().addTo(dt, (int) (d._1() / shards))] = d._2().sequence;
            }
        }
        int localImages = (setup.images() - shard + shards - 1) / shards;
        List<Tuple2<Integer, Object>> out = new ArrayList<>();
        if (setup.coco()) {
            CocoEvaluator coco = new CocoEvaluator(localImages, setup.categoryIds(), setup.maxDets());
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
        VocEvaluator.ClassMatches[] matches = new VocEvaluator(k, setup.iou(), setup.plus1()).match(gt, dt,
                localImages);
        long[][] positives = VocEvaluator.positives(gt, k);
        for (int c = 0; c < k; c++) {
            int[] rows = matches[c].rows();
            if (rows.length > 0 || positives[0][c] > 0 || positives[1][c] > 0) {
                double[] scores = new double[rows.length];
                long[] order = new long[rows.length];
                for (int i = 0; i < rows.length; i++) {
                    scores[i] = dt.score[rows[i]];
                    order[i] = sequence[rows[i]];
                }
                out.add(new Tuple2<>(setup.vocKey(c), new VocPart(scores, order, matches[c].outcomes(),
                        positives[0][c], positives[1][c])));
            }
        }
        ImageOutcomes perImage = ImageOutcomes.of(sortedImages.stream().mapToLong(Tuple2::_1).toArray(),
                sortedImages.stream().mapToLong(g -> g._2().cocoId).toArray(),
                sortedImages.stream().map(g -> g._2().fileName).toArray(String[]::new));
        long[][] confusion = ConfusionMatrix.compute(gt, dt, localImages, k, 0.5, setup.scoreThreshold(), perImage);
        out.add(new Tuple2<>(setup.totalsKey(), new Totals(confusion, perImage, gt.size(), dt.size(), unknownClass,
                dt.negativeScores(), dt.negativeSizes())));
        return out.iterator();
    }

    /** stage two: the parts of one key merged and accumulated */
    private static Object reduce(Setup setup, int key, Iterable<Object> parts) {
        if (key == setup.totalsKey()) {
            List<Totals> totals = new ArrayList<>();
            parts.forEach(p -> totals.add((Totals) p));
            return Totals.sum(setup.classes(), totals);
        }
        if (key >= setup.vocKey(0)) {
            VocPart merged = mergeByScore(parts);
            return VocEvaluator.classResult(merged.npos(), merged.difficult(), merged.scores(), merged.outcomes(),
                    setup.scoreThreshold()).withCurveSampled(CURVE_POINTS);
        }
        List<CocoBucket> buckets = new ArrayList<>();
        parts.forEach(p -> buckets.add((CocoBucket) p));
        return CocoAccumulation.curves(CocoBucket.merge(buckets), setup.maxDets());
    }

    /**
     * the devkit's order over all shards: descending score, equal scores in sequence order; the
     * positives summed
     */
    static VocPart mergeByScore(Iterable<Object> parts) {
        List<VocPart> list = new ArrayList<>();
        parts.forEach(p -> list.add((VocPart) p));
        int n = list.stream().mapToInt(p -> p.scores().length).sum();
        double[] scores = new double[n];
        long[] sequence = new long[n];
        byte[] outcomes = new byte[n];
        long npos = 0;
        long difficult = 0;
        for (VocPart p : list) {
            npos += p.npos();
            difficult += p.difficult();
        }
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
        return new VocPart(scores, sequence, outcomes, npos, difficult);
    }
}
