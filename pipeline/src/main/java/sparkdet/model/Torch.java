package sparkdet.model;

import java.util.List;
import org.bytedeco.pytorch.global.torch;
import sparkdet.runtime.NativeCache;

/** libtorch, loaded once per JVM after its native files are unpacked. */
public final class Torch {
    private Torch() {
    }

    public static void load() {
        NativeCache.load(List.of("javacpp", "openblas", "pytorch"), torch.class);
        Defaults.apply();
    }

    /** process-wide libtorch settings, made once after the library loads */
    private static final class Defaults {
        static {
            // NNPACK is an optional kernel libtorch asks for on some CPU convolutions. Where it cannot start
            // (this project's AMD EPYC machines, though they have AVX2), libtorch 2.x keeps the failed
            // start but logs "Could not initialize NNPACK! Reason: Unsupported hardware" at every such
            // convolution: over a thousand lines in one predict of 300 pictures, the other kernels doing
            // the work. libtorch cannot tell from here whether it would start, so it is off everywhere;
            // its other CPU kernels (oneDNN, the direct ones) run those convolutions.
            torch.globalContext().setUserEnabledNNPACK(false);
        }

        static void apply() {
            // the static initialiser did the work, once
        }
    }

    /** an error's first line, for a one-line message: libtorch's carry a C++ backtrace below it */
    public static String firstLine(RuntimeException e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName()
                : message.lines().findFirst().orElse("");
    }
}
