package sparkdet.cli;

import com.typesafe.config.Config;
import java.io.IOException;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import sparkdet.infer.DetectOptions;
import sparkdet.infer.Detector;
import sparkdet.infer.Detectors;
import sparkdet.io.Storage;
import sparkdet.model.ModelFiles;

/**
 * The detection options predict, video and fps share (--score, --nms-iou, --max-dets, --device),
 * with the defaults of the configuration's {@code sparkdet.predict} section.
 */
final class DetectArgs {
    private static final Set<String> VALUED = Set.of("model", "score", "nms-iou", "max-dets", "device");

    private DetectArgs() {
    }

    /** the shared options and a command's own */
    static Set<String> valuedOptionsWith(String... own) {
        Set<String> options = new java.util.HashSet<>(VALUED);
        options.addAll(Set.of(own));
        return options;
    }

    static DetectOptions options(Args args, Context context) {
        return options(args, context, "sparkdet.predict");
    }

    /** the options, with the defaults of another section (val's: the mAP preset) */
    static DetectOptions options(Args args, Context context, String section) {
        Config c = context.config().getConfig(section);
        try {
            return new DetectOptions(args.doubleValue("score", c.getDouble("score")),
                    args.doubleValue("nms-iou", c.getDouble("nms-iou")), args.intValue("max-dets", c.getInt("max-dets")));
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    static String device(Args args, Context context) {
        return args.get("device", context.config().getString("sparkdet.predict.device"));
    }

    /** sparkdet.models.max-bytes: the most a model file, and each part read from one, may hold */
    static long modelMaxBytes(Context context) {
        try {
            return ModelFiles.maxBytes(context.config());
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    /** the model on this machine, its network on every core (video and fps run outside Spark) */
    static Detector openHere(Args args, Context context) throws IOException {
        return Detectors.open(new Storage(new Configuration()), args.required("model"),
                Runtime.getRuntime().availableProcessors(), device(args, context), modelMaxBytes(context));
    }
}
