package sparkdet.cli;

import com.typesafe.config.Config;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import sparkdet.eval.EvalJob;
import sparkdet.eval.EvalRequest;
import sparkdet.io.Storage;

/** {@code sparkdet evaluate}: COCO and VOC metrics of detections against ground truth. */
final class EvaluateCommand implements Command {
    @Override
    public String name() {
        return "evaluate";
    }

    @Override
    public String summary() {
        return "COCO AP/AR (as pycocotools) and VOC mAP (as the devkit) of detections";
    }

    @Override
    public String help() {
        return """
            usage: sparkdet evaluate --gt PATH --detections PATH --output URI [--metric coco|voc|all]
                                     [--iou 0.5] [--score-threshold 0.5] [--max-dets 100] [--no-plus1] [--mode auto|local|cluster]
                                     [--overwrite]

              --gt               a COCO instances JSON, a VOC root or Annotations folder, or a dataset
                                 written by `sparkdet ingest`
              --detections       a COCO results JSON ([{image_id, category_id, bbox: [x,y,w,h], score}]),
                                 a folder of get_map.py txt files ("<class> <score> <xmin> <ymin> <xmax> <ymax>",
                                 file stem = image stem), or a predict output
              --output           where metrics.json and results.txt go (any Hadoop URI)
              --metric           coco: the 12 numbers of pycocotools' COCOeval (bbox); voc: per-class AP at
                                 --iou by the VOC devkit's rules, VOC07 11-point and all-point; all (default)
              --iou              the VOC metric's IoU threshold (default 0.5)
              --score-threshold  where precision, recall and F1 are read (default 0.5)
              --max-dets         COCO's largest maxDets, detections per image and class (default 100; AP, APs/m/l
                                 and "AR100" are read at it, AR1 and AR10 stay at 1 and 10)
              --no-plus1         VOC IoU on continuous boxes instead of the devkit's +1 pixel convention
              --mode             local: on the driver; cluster: the matching in Spark tasks, one shard of the
                                 images each, for detection sets one machine should not hold; auto (default):
                                 cluster above evaluate.cluster-above bytes of detections. Same numbers.
            """;
    }

    @Override
    public Set<String> valuedOptions() {
        return Set.of("gt", "detections", "output", "metric", "iou", "score-threshold", "max-dets", "mode");
    }

    @Override
    public Set<String> flagOptions() {
        return Set.of("no-plus1", "overwrite");
    }

    @Override
    public int run(Args args, Context context) throws Exception {
        EvalJob.Summary s = new EvalJob(new Storage(new Configuration()), context::spark)
                .run(request(args, context, args.required("output")));
        print(context, s.metrics());
        context.out().printf("wrote %s/metrics.json and results.txt%n", s.output());
        return Main.OK;
    }

    /** the request the options and the configuration's {@code sparkdet.evaluate} section make */
    static EvalRequest request(Args args, Context context, String output) {
        Config c = context.config().getConfig("sparkdet.evaluate");
        return new EvalRequest(args.required("gt"), args.required("detections"), output, args.get("metric", "all"),
                args.doubleValue("iou", 0.5), args.doubleValue("score-threshold", 0.5), !args.flag("no-plus1"),
                args.flag("overwrite"), args.intValue("max-dets", 100), args.get("mode", c.getString("mode")),
                c.getBytes("cluster-above"), c.getInt("shards"));
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
