package sparkdet.cli;

import com.typesafe.config.Config;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sparkdet.predict.PredictJob;
import sparkdet.predict.PredictRequest;
import sparkdet.val.ValJob;
import sparkdet.val.ValRequest;

/**
 * {@code sparkdet val}: predict an ingested dataset with the mAP preset and evaluate the result
 * against the dataset's ground truth, in one job (the Ultralytics val mode).
 */
final class ValCommand implements Command {
    private static final Logger LOG = LoggerFactory.getLogger(ValCommand.class);
    /** the configuration section of the preset */
    private static final String SECTION = "sparkdet.val";
    /** what only a detection model's run reads */
    private static final List<String> DETECT_ONLY = List.of("score", "nms-iou", "max-dets", "iou");

    @Override
    public String name() {
        return "val";
    }

    @Override
    public String summary() {
        return "predict a dataset with the mAP preset and evaluate it, in one job (COCO/VOC mAP, or mIoU)";
    }

    @Override
    public String help() {
        return """
            usage: sparkdet val --model URI --input DATASET --output URI [--batch 8] [--score 0.001]
                                [--nms-iou 0.5] [--max-dets 100] [--iou 0.5] [--device auto] [--overwrite]

              --model     as predict's: model.zip, an ONNX file, a TorchScript .pt or a YOLOv4-tiny .pth,
                          the imported ones with their sidecar <file>.conf
              --input     (alias --data) a dataset written by `sparkdet ingest`: its images are
                          predicted and its boxes or masks are the ground truth (ingest the split to
                          validate on: `ingest --split val`); any Hadoop URI
              --output    the folder for evaluate's files (metrics.json, results.txt; boxes: pr_curves/,
                          f1_curve.csv/.png, confusion_matrix.csv/.png; masks: confusion_matrix.csv and
                          the bar charts) beside predict's (detections.json, detections/, txt/,
                          summary.json; masks: masks/, overlays/, counts.json, segments/), written
                          whole when both are done. An existing non-empty folder is refused unless
                          --overwrite; a folder that is or holds the model or the dataset even then
              --batch     images per network call on each task (default predict.batch)
              --score     the score a box needs (default 0.001, get_map.py's); --nms-iou (0.5);
                          --max-dets per image (100): the mAP preset of the val section
              --iou       the VOC mAP's IoU threshold (default 0.5); COCO's AP is over 0.5:0.95
              --device    auto, cpu, cuda or cuda:N for model.zip and TorchScript (default predict.device)
            A detection model's boxes are scored as `sparkdet evaluate` scores them (COCO AP/AR as
            pycocotools, VOC mAP as the devkit, precision/recall/F1 at val.score-threshold); a
            segmentation model's masks as `evaluate --task segment` (get_miou's mIoU, mPA, accuracy),
            where --score, --nms-iou, --max-dets and --iou do not apply. Defaults: sparkdet.val in
            conf/sparkdet-defaults.conf; evaluate.mode says where the matching runs.
            """;
    }

    @Override
    public Set<String> valuedOptions() {
        return DetectArgs.valuedOptionsWith("input", "output", "batch", "iou");
    }

    @Override
    public Map<String, String> aliases() {
        return Map.of("data", "input");
    }

    @Override
    public Set<String> flagOptions() {
        return Set.of("overwrite");
    }

    @Override
    public int run(Args args, Context context) throws Exception {
        ValRequest request = request(args, context);
        ValJob.Summary s = new ValJob(context.spark()).run(request);
        PredictJob.Summary p = s.predicted();
        context.out().printf(Locale.ROOT, "predicted %d images (%d could not be read), %d %s, in %.1f s%n",
                p.images(), p.failed(), p.detections(), p.segment() ? "masks" : "detections", p.seconds());
        if (p.segment()) {
            List<String> ignored = DETECT_ONLY.stream().filter(o -> args.get(o) != null).map(o -> "--" + o).toList();
            if (!ignored.isEmpty()) {
                LOG.warn("{} left unused: {} is a segmentation model", String.join(", ", ignored), args.get("model"));
            }
            EvaluateCommand.printSegmentation(context, s.metrics());
            context.out().printf("wrote %s: metrics.json, results.txt, confusion_matrix.csv, the bar charts, "
                    + "masks/, overlays/, counts.json, segments/%n", s.output());
        } else {
            EvaluateCommand.print(context, s.metrics());
            context.out().printf("wrote %s: metrics.json, results.txt, pr_curves/, f1_curve, confusion_matrix, "
                    + "detections.json, detections/, txt/%n", s.output());
        }
        return Main.OK;
    }

    /** the request the options and the configuration's sections val (the preset) and evaluate make */
    private static ValRequest request(Args args, Context context) {
        Config val = context.config().getConfig(SECTION);
        Config evaluate = context.config().getConfig("sparkdet.evaluate");
        PredictRequest predict = PredictCommand.request(args, context, args.required("input"), args.required("output"),
                DetectArgs.options(args, context, SECTION));
        return new ValRequest(predict, args.doubleValue("iou", val.getDouble("iou")), val.getDouble("score-threshold"),
                evaluate.getString("mode"), evaluate.getBytes("cluster-above"), evaluate.getInt("shards"));
    }
}
