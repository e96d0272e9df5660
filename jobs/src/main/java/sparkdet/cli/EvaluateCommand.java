package sparkdet.cli;

import com.typesafe.config.Config;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import sparkdet.eval.EvalJob;
import sparkdet.eval.EvalRequest;
import sparkdet.eval.SegmentationEvalJob;
import sparkdet.eval.SegmentationEvalRequest;
import sparkdet.image.PixelLimit;
import sparkdet.io.Storage;

/**
 * {@code sparkdet evaluate}: COCO and VOC metrics of detections against ground truth, or (--task
 * segment) get_miou.py's mIoU of predicted masks against label masks.
 */
final class EvaluateCommand implements Command {
    @Override
    public String name() {
        return "evaluate";
    }

    @Override
    public String summary() {
        return "COCO AP/AR (as pycocotools) and VOC mAP (as the devkit) of detections; mIoU (as get_miou) of masks";
    }

    @Override
    public String help() {
        return """
            usage: sparkdet evaluate --gt PATH --detections PATH --output URI [--metric coco|voc|all]
                                     [--iou 0.5] [--score 0.5] [--ap-max-dets 100] [--no-plus1] [--mode auto|local|cluster]
                                     [--overwrite]
                   sparkdet evaluate --task segment --gt PATH --predictions PATH --output URI [--classes FILE]
                                     [--split val] [--mode auto|local|cluster] [--overwrite]

              --task             detect (default): boxes; segment: masks of class indices, the numbers of the
                                 segmentation repositories' get_miou.py (confusion matrix, per-class IoU, recall
                                 (PA) and precision, mIoU, mPA, mPrecision, accuracy)
              --gt               a COCO instances JSON, a VOC root or Annotations folder, or a dataset
                                 written by `sparkdet ingest`; segment: a VOC root (SegmentationClass/,
                                 ImageSets/Segmentation/<split>.txt), a folder of label PNGs (<stem>.png), or an
                                 ingested segmentation dataset
              --detections       a COCO results JSON ([{image_id, category_id, bbox: [x,y,w,h], score}]),
                                 a folder of get_map.py txt files ("<class> <score> <xmin> <ymin> <xmax> <ymax>",
                                 file stem = image stem), or a predict output
              --predictions      segment: a folder of grey PNGs of class indices named as the label masks
                                 (<stem>.png), or a predict output (its masks/); every image needs one
              --classes          segment: the class names, one a line (default: the ground truth's classes.txt);
                                 the means run over all of them, classes never seen included
              --split            segment, VOC root: the split file of ImageSets/Segmentation/ (default val)
              --output           where metrics.json and results.txt go (any Hadoop URI)
              --metric           coco: the 12 numbers of pycocotools' COCOeval (bbox); voc: per-class AP at
                                 --iou by the VOC devkit's rules, VOC07 11-point and all-point; all (default)
              --iou              the VOC metric's IoU threshold (default 0.5)
              --score            (alias --score-threshold) where precision, recall, F1 and the confusion
                                 matrix are read (default 0.5)
              --ap-max-dets      (alias --max-dets) COCO's largest maxDets, detections per image and class
                                 (default 100; AP, APs/m/l and "AR100" are read at it, AR1 and AR10 stay at 1
                                 and 10); not predict's --max-dets, which caps the boxes an image keeps
              --no-plus1         VOC IoU on continuous boxes instead of the devkit's +1 pixel convention
              --mode             local: on the driver; cluster: the matching in Spark tasks, one shard of the
                                 images each, for detection sets one machine should not hold; auto (default):
                                 cluster above evaluate.cluster-above bytes of detections. Same numbers.
                                 segment: local = the masks read by one thread per core of the driver, cluster =
                                 by Spark tasks (evaluate.shards of them), auto = cluster above
                                 evaluate.cluster-above bytes of predictions
              --overwrite        replace an existing non-empty --output (refused otherwise)
            The defaults are the configuration's (conf/sparkdet-defaults.conf, sparkdet.evaluate).
            """;
    }

    @Override
    public Set<String> valuedOptions() {
        return Set.of("task", "gt", "detections", "predictions", "classes", "split", "output", "metric", "iou",
                "score", "ap-max-dets", "mode");
    }

    /** evaluate's documented spellings before the common vocabulary (docs/evaluate.md) */
    static final Map<String, String> ALIASES = Map.of("score-threshold", "score", "max-dets", "ap-max-dets");

    @Override
    public Map<String, String> aliases() {
        return ALIASES;
    }

    /** what only detection reads */
    private static final Set<String> DETECT_ONLY = Set.of("detections", "metric", "iou", "score", "ap-max-dets",
            "no-plus1");
    /** what only segmentation reads */
    private static final Set<String> SEGMENT_ONLY = Set.of("predictions", "classes", "split");

    @Override
    public Set<String> flagOptions() {
        return Set.of("no-plus1", "overwrite");
    }

    @Override
    public int run(Args args, Context context) throws Exception {
        String task = args.get("task", "detect");
        switch (task) {
            case "detect" -> {
                refuse(args, SEGMENT_ONLY, task);
                EvalJob.Summary s = new EvalJob(new Storage(new Configuration()), context::spark)
                        .run(request(args, context, args.required("output")));
                print(context, s.metrics());
                context.out().printf("wrote %s/metrics.json and results.txt%n", s.output());
            }
            case "segment" -> {
                refuse(args, DETECT_ONLY, task);
                EvalJob.Summary s = new SegmentationEvalJob(new Storage(new Configuration()), context::spark)
                        .run(segmentRequest(args, context));
                printSegmentation(context, s.metrics());
                context.out().printf("wrote %s/metrics.json, results.txt, confusion_matrix.csv and the bar charts%n",
                        s.output());
            }
            default -> throw new UsageException("--task must be detect or segment, not '" + task + "'");
        }
        return Main.OK;
    }

    private static void refuse(Args args, Set<String> others, String task) {
        for (String option : others) {
            if (args.get(option) != null || args.flag(option)) {
                throw new UsageException("--" + option + " does not apply to --task " + task
                        + (option.equals("detections") ? " (masks are given with --predictions)"
                        : option.equals("predictions") ? " (detections are given with --detections)" : ""));
            }
        }
    }

    /** the segmentation request the options and the configuration's {@code sparkdet.evaluate} section make */
    private static SegmentationEvalRequest segmentRequest(Args args, Context context) {
        Config c = context.config().getConfig("sparkdet.evaluate");
        return new SegmentationEvalRequest(args.required("gt"), args.required("predictions"), args.required("output"),
                args.get("classes"), args.get("split", c.getString("split")), args.flag("overwrite"),
                args.get("mode", c.getString("mode")), c.getBytes("cluster-above"), c.getInt("shards"),
                PixelLimit.of(context.config()));
    }

    /** the summary lines of a segmentation evaluation (demo --task segment prints them too) */
    @SuppressWarnings("unchecked")
    static void printSegmentation(Context context, Map<String, Object> m) {
        Map<String, Object> s = (Map<String, Object>) m.get("segmentation");
        context.out().println("counts      " + m.get("counts"));
        context.out().printf("segment     mIoU %.4f  mPA %.4f  mPrecision %.4f  accuracy %.4f  (%s classes)%n",
                s.get("mIoU"), s.get("mPA"), s.get("mPrecision"), s.get("accuracy"), s.get("num_classes"));
        context.out().println("timing_s    " + m.get("timing_s") + "  (" + m.get("mode") + ")");
    }

    /** the request the options and the configuration's {@code sparkdet.evaluate} section make */
    static EvalRequest request(Args args, Context context, String output) {
        Config c = context.config().getConfig("sparkdet.evaluate");
        return new EvalRequest(args.required("gt"), args.required("detections"), output,
                args.get("metric", c.getString("metric")), args.doubleValue("iou", c.getDouble("iou")),
                args.doubleValue("score", c.getDouble("score")), c.getBoolean("plus1") && !args.flag("no-plus1"),
                args.flag("overwrite"), args.intValue("ap-max-dets", c.getInt("ap-max-dets")),
                args.get("mode", c.getString("mode")), c.getBytes("cluster-above"), c.getInt("shards"));
    }

    @SuppressWarnings("unchecked")
    static void print(Context context, Map<String, Object> m) {
        context.out().println("counts      " + m.get("counts"));
        Map<String, Object> coco = (Map<String, Object>) m.get("coco");
        if (coco != null) {
            context.out().printf("COCO        AP %.4f  AP50 %.4f  AP75 %.4f  AR100 %.4f%n", coco.get("AP"),
                    coco.get("AP50"), coco.get("AP75"), coco.get("AR100"));
        }
        Map<String, Object> voc = (Map<String, Object>) m.get("voc");
        if (voc != null) {
            context.out().printf("VOC         mAP@%s %.4f (all-point)  %.4f (VOC07)%n", voc.get("iou"),
                    voc.get("mAP_all_point"), voc.get("mAP_voc07"));
        }
        context.out().println("timing_s    " + m.get("timing_s") + "  (" + m.get("mode") + ")");
    }
}
