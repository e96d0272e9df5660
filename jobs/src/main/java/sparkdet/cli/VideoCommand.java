package sparkdet.cli;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import sparkdet.image.PixelLimit;
import sparkdet.infer.Detector;
import sparkdet.io.OutputGuard;
import sparkdet.io.Storage;
import sparkdet.video.VideoDetection;

/** {@code sparkdet video}: a video file or a camera through the detector, drawn, with the running FPS. */
final class VideoCommand implements Command {
    @Override
    public String name() {
        return "video";
    }

    @Override
    public String summary() {
        return "detect in a video file or a camera and write the drawn video";
    }

    @Override
    public String help() {
        return """
            usage: sparkdet video --model URI --input FILE|camera:N --output FILE [--max-frames N]
                                  [--score 0.25] [--nms-iou 0.45] [--max-dets 100] [--device auto]
                                  [--overwrite]

              --model       model.zip, an ONNX file, a TorchScript .pt or a .pth state dict (the imported
                            ones with their sidecar <file>.conf: docs/predict.md)
              --input       a video file FFmpeg reads (avi, mp4, mkv ...) or camera:N (/dev/videoN)
              --output      the drawn video (MPEG-4), at the input's size and frame rate; an existing
                            file is refused unless --overwrite, the input or the model even then
              --max-frames  stop after this many frames (a camera otherwise runs until interrupted)
              --score, --nms-iou, --max-dets  as predict's (defaults predict.score, predict.nms-iou,
                            predict.max-dets: 0.25, 0.45, 100 per frame)
              --device      auto, cpu, cuda or cuda:N (ONNX: ONNX Runtime's CUDA provider on the gpu
                            build; default predict.device)
            Prints the frames processed and the mean FPS of the detect path.
            """;
    }

    @Override
    public Set<String> valuedOptions() {
        return DetectArgs.valuedOptionsWith("input", "output", "max-frames");
    }

    @Override
    public Set<String> flagOptions() {
        return Set.of("overwrite");
    }

    @Override
    public int run(Args args, Context context) throws Exception {
        long maxFrames = args.intValue("max-frames", Integer.MAX_VALUE);
        Path output = Path.of(args.required("output")).toAbsolutePath();
        String input = args.required("input");
        OutputGuard.check(new Storage(new Configuration()), Storage.path(output.toString()), args.flag("overwrite"),
                args.required("model"), input.startsWith(VideoDetection.CAMERA) ? null : input);
        try (Detector detector = DetectArgs.openHere(args, context)) {
            VideoDetection.Result r = VideoDetection.run(detector, input, output,
                    DetectArgs.options(args, context), PixelLimit.of(context.config()), (frame, fps) -> frame < maxFrames);
            context.out().printf(Locale.ROOT, "%d frames (%dx%d at %.2f fps) in %.1f s: mean %.1f FPS%n", r.frames(),
                    r.width(), r.height(), r.frameRate(), r.seconds(), r.meanFps());
            context.out().printf("wrote %s%n", output);
        }
        return Main.OK;
    }
}
