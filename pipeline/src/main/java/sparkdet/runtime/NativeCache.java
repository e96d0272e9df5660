package sparkdet.runtime;

import java.io.File;
import java.io.IOException;
import org.bytedeco.javacpp.Loader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JavaCPP's native-library cache. Loading libtorch from an empty cache segfaults (DESIGN.md), so
 * every preset's resources are unpacked before its first load, into a stable folder
 * ({@code org.bytedeco.javacpp.cachedir}, or SPARKDET_NATIVE_CACHE, else ~/.javacpp/cache).
 */
public final class NativeCache {
    private static final Logger LOG = LoggerFactory.getLogger(NativeCache.class);
    public static final String CACHE_DIR_PROPERTY = "org.bytedeco.javacpp.cachedir";

    private NativeCache() {
    }

    /** the platform folder of JavaCPP's jars, e.g. linux-x86_64 */
    public static String platform() {
        return Loader.getPlatform();
    }

    /**
     * unpacks each preset's native resources (javacpp, openblas, pytorch, opencv, ffmpeg ...) into
     * the cache, once per JVM and preset; cheap when already unpacked
     */
    public static synchronized void prepare(String... presets) {
        // JavaCPP's own warnings through SLF4J rather than straight to stderr
        if (System.getProperty("org.bytedeco.javacpp.logger") == null) {
            System.setProperty("org.bytedeco.javacpp.logger", "slf4j");
        }
        if (System.getProperty(CACHE_DIR_PROPERTY) == null) {
            String env = System.getenv("SPARKDET_NATIVE_CACHE");
            if (env != null && !env.isBlank()) {
                System.setProperty(CACHE_DIR_PROPERTY, env);
            }
        }
        long t0 = System.nanoTime();
        for (String preset : presets) {
            String resource = "/org/bytedeco/" + preset + "/" + platform() + "/";
            try {
                File[] files = Loader.cacheResources(resource);
                if (files == null || files.length == 0) {
                    throw new IllegalStateException("no native resources at " + resource
                            + " on the classpath: is the " + platform() + " jar of " + preset + " missing?");
                }
            } catch (IOException e) {
                throw new IllegalStateException("could not unpack " + resource + " into the JavaCPP cache "
                        + cacheDir() + ": " + e.getMessage(), e);
            }
        }
        LOG.debug("native cache ready for {} in {} ms", String.join(",", presets), (System.nanoTime() - t0) / 1_000_000);
    }

    private static final java.util.Set<String> LOADED = new java.util.HashSet<>();

    /** unpacks the presets, then loads the classes' native libraries: once per JVM */
    public static synchronized void load(java.util.List<String> presets, Class<?>... classes) {
        for (Class<?> c : classes) {
            if (!LOADED.contains(c.getName())) {
                prepare(presets.toArray(new String[0]));
                Loader.load(c);
                LOADED.add(c.getName());
            }
        }
    }

    public static String cacheDir() {
        try {
            return Loader.getCacheDir().getPath();
        } catch (IOException e) {
            return "(unavailable: " + e.getMessage() + ")";
        }
    }
}
