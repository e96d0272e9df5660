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
    }

    /** an error's first line, for a one-line message: libtorch's carry a C++ backtrace below it */
    public static String firstLine(RuntimeException e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName()
                : message.lines().findFirst().orElse("");
    }
}
