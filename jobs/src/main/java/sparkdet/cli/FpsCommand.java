package sparkdet.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import sparkdet.image.PixelLimit;
import sparkdet.infer.Detector;
import sparkdet.infer.LatencyMeter;
import sparkdet.model.Task;

/** {@code sparkdet fps}: the latency of one image through the whole detect path and through the network alone. */
final class FpsCommand implements Command {
    @Override
    public String name() {
        return "fps";
    }

    @Override
    public String summary() {
        return "latency and FPS of the detect path on one image (the YOLO repositories' fps mode)";
    }

    @Override
    public String help() {
        return """
            usage: sparkdet fps --model URI --input FILE [--runs 100] [--warmup 10] [--score 0.25]
                                [--nms-iou 0.45] [--max-dets 100] [--device auto]

              --model   model.zip, an ONNX file, a TorchScript .pt or a .pth state dict (the imported
                        ones with their sidecar <file>.conf: docs/predict.md)
              --input   (alias --image) the picture to run, again and again
              --runs    timed runs (default 100), after --warmup untimed ones (default 10)
              --score, --nms-iou, --max-dets  the detect path's, as predict's (defaults predict.score,
                        predict.nms-iou, predict.max-dets: 0.25, 0.45, 100 per image)
              --device  auto, cpu, cuda or cuda:N (ONNX: ONNX Runtime's CUDA provider on the gpu build;
                        default predict.device)
            Prints the mean, median and 95th percentile latency and the FPS of the whole detect path
            (decode, letterbox, network, output decoding and NMS) and of the network alone, on this
            machine's cores.
            """;
    }

    @Override
    public Set<String> valuedOptions() {
        return DetectArgs.valuedOptionsWith("input", "runs", "warmup");
    }

    @Override
    public Map<String, String> aliases() {
        return Map.of("image", "input");
    }

    @Override
    public Set<String> flagOptions() {
        return Set.of();
    }

    @Override
    public int run(Args args, Context context) throws Exception {
        Path image = Path.of(args.required("input"));
        if (!Files.isRegularFile(image)) {
            throw new UsageException("--input " + image + " is not a file");
        }
        try (Detector detector = DetectArgs.openHere(args, context)) {
            LatencyMeter.Report r = LatencyMeter.measure(detector, Files.readAllBytes(image), image.toString(),
                    args.intValue("warmup", 10), args.intValue("runs", 100), DetectArgs.options(args, context),
                    PixelLimit.of(context.config()));
            context.out().println(detector.describe());
            print(context, "detect path", r.wholePath());
            print(context, "network only", r.networkOnly());
            context.out().printf(detector.spec().task() == Task.SEGMENT ? "classes present besides the background: %d%n"
                    : "boxes found: %d%n", r.detections());
        }
        return Main.OK;
    }

    private static void print(Context context, String what, LatencyMeter.Latency l) {
        context.out().printf(Locale.ROOT, "%-13s %7.2f FPS   mean %7.2f ms   p50 %7.2f ms   p95 %7.2f ms%n", what,
                l.fps(), l.mean() * 1e3, l.p50() * 1e3, l.p95() * 1e3);
    }
}
