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
}
