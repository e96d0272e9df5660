package sparkdet.cli;

import com.typesafe.config.Config;
import java.util.Set;
import sparkdet.image.PixelLimit;
import sparkdet.infer.DetectOptions;
import sparkdet.predict.PredictJob;
import sparkdet.predict.PredictRequest;
import sparkdet.viz.MaskPainter;

/** {@code sparkdet predict}: a detector over an image, a folder or a dataset, spread over the cluster. */
final class PredictCommand implements Command {
    @Override
    public String name() {
        return "predict";
    }

    @Override
    public String summary() {
        return "detections or masks for an image, a folder or a dataset (model.zip, ONNX, TorchScript, .pth)";
    }

    @Override
    public String help() {
        return """
            usage: sparkdet predict --model URI --input URI --output URI [--batch 8] [--score 0.25]
                                    [--nms-iou 0.45] [--max-dets 100] [--draw] [--mix blend] [--device auto]
                                    [--overwrite]

              --model     sparkdet's model.zip, an ONNX file, a TorchScript .pt or a YOLOv4-tiny .pth; the
                          imported ones with their sidecar <file>.conf (layout, classes, anchors: docs/predict.md)
              --input     an image, a folder (searched recursively for jpg/jpeg/png/bmp/webp; hidden
                          folders and an --output inside it are left out), or a dataset written by
                          `sparkdet ingest`; any Hadoop URI
              --output    the folder for detections.json (COCO results with file_name), detections/
                          (Parquet, one row per image), txt/<name>.txt (get_map.py's format; <name>
                          is the stem, or more of the path where stems collide: docs/predict.md),
                          images/ (with --draw) and summary.json, written whole when complete. An
                          existing non-empty folder is refused unless --overwrite; a folder that is or
                          holds the model or the input is refused even then. A segmentation model
                          writes masks/<name>.png (grey class indices at the picture's size),
                          overlays/<name>.jpg, counts.json (per image and class: pixels and ratio),
                          segments/ (Parquet) and summary.json instead
              --batch     images per network call on each task (default predict.batch)
              --score     the score a box needs (default 0.25); --nms-iou (0.45); --max-dets per image (100)
              --draw      also write each image with its boxes, labels and scores
              --mix       how a segmentation model's overlays show the mask: blend (70 % colour, the
                          default), mask (the colours alone) or cutout (the picture where not background)
              --device    auto, cpu, cuda or cuda:N (ONNX: ONNX Runtime's CUDA provider on the gpu build;
                          default predict.device)
            Images that cannot be read or decoded are counted and listed in detections/ with an error.
            """;
    }

    @Override
    public Set<String> valuedOptions() {
        return DetectArgs.valuedOptionsWith("input", "output", "batch", "mix");
    }

    @Override
    public Set<String> flagOptions() {
        return Set.of("draw", "overwrite");
    }

    @Override
    public int run(Args args, Context context) throws Exception {
        PredictJob.Summary s = new PredictJob(context.spark()).run(request(args, context, args.required("input"),
                args.required("output")));
        context.out().printf(java.util.Locale.ROOT, "predicted %d images (%d could not be read), %d %s, "
                + "in %.1f s (%.1f images/s)%n", s.images(), s.failed(), s.detections(),
                s.segment() ? "masks" : "detections", s.seconds(), s.imagesPerSecond());
        if (s.segment()) {
            context.out().printf("wrote %s: masks/, overlays/, counts.json, segments/%n", s.output());
        } else {
            context.out().printf("wrote %s: detections.json, detections/, txt/%s%n", s.output(),
                    args.flag("draw") ? ", images/" : "");
        }
        return Main.OK;
    }

    /** the request the options and the configuration's {@code sparkdet.predict} section make */
    static PredictRequest request(Args args, Context context, String input, String output) {
        return request(args, context, input, output, DetectArgs.options(args, context));
    }

    /** the same with the post-processing given (val's preset) */
    static PredictRequest request(Args args, Context context, String input, String output, DetectOptions options) {
        Config c = context.config().getConfig("sparkdet.predict");
        try {
            return new PredictRequest(args.required("model"), input, output, args.intValue("batch", c.getInt("batch")),
                    options, args.flag("draw"), DetectArgs.device(args, context),
                    c.getInt("loader-threads"), args.flag("overwrite"), PixelLimit.of(context.config()),
                    DetectArgs.modelMaxBytes(context), MaskPainter.Mix.of(args.get("mix", "blend")));
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }
}
