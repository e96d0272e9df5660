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
    private static final String EXTENSION_PROPERTY = "org.bytedeco.javacpp.platform.extension";
    private static final String GPU_EXTENSION = "-gpu";

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
        useGpuBuildWhenPresent();
        long t0 = System.nanoTime();
        for (String preset : presets) {
            String resource = resourceFolder(preset);
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

    /**
     * The gpu Maven profile puts libtorch's {@code linux-x86_64-gpu} natives on the classpath;
     * JavaCPP loads them only under the platform extension "-gpu", so it is set here rather than
     * left for every launch command to pass.
     */
    private static void useGpuBuildWhenPresent() {
        if (System.getProperty(EXTENSION_PROPERTY) == null
                && NativeCache.class.getResource("/org/bytedeco/pytorch/" + platform() + GPU_EXTENSION + "/") != null) {
            System.setProperty(EXTENSION_PROPERTY, GPU_EXTENSION);
            LOG.info("libtorch's GPU natives are on the classpath: platform extension {}", GPU_EXTENSION);
        }
    }

    /** the preset's folder for this platform and extension, or the plain platform's when it has no such build */
    private static String resourceFolder(String preset) {
        String extension = System.getProperty(EXTENSION_PROPERTY, "");
        String extended = "/org/bytedeco/" + preset + "/" + platform() + extension + "/";
        return extension.isEmpty() || NativeCache.class.getResource(extended) == null
                ? "/org/bytedeco/" + preset + "/" + platform() + "/" : extended;
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
