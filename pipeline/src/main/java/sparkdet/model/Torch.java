package sparkdet.model;

import org.bytedeco.javacpp.Loader;
import org.bytedeco.pytorch.global.torch;
import sparkdet.runtime.NativeCache;

/** libtorch, loaded once per JVM after its native files are unpacked. */
public final class Torch {
    private static volatile boolean loaded;

    private Torch() {
    }

    public static void load() {
        if (loaded) {
            return;
        }
        synchronized (Torch.class) {
            if (!loaded) {
                NativeCache.prepare("javacpp", "openblas", "pytorch");
                Loader.load(torch.class);
                loaded = true;
            }
        }
    }
}
