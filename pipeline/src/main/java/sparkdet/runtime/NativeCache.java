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
    private static final String ORT_PATH_PROPERTY = "onnxruntime.native.path";

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

    /**
     * ONNX Runtime unpacks its two libraries into a new temporary folder in every JVM and cannot
     * remove that folder on exit (onnxruntime-java*, one per run): they are unpacked once into this
     * cache instead and ONNX Runtime is pointed there ({@value #ORT_PATH_PROPERTY}). Must run before
     * any ONNX Runtime class is used; a platform without a bundled build is left to ONNX Runtime.
     */
    public static synchronized void prepareOnnxRuntime() {
        if (System.getProperty(ORT_PATH_PROPERTY) != null) {
            return;
        }
        String folder = ortPlatform();
        if (folder == null) {
            return;
        }
        try {
            File dir = new File(Loader.getCacheDir(), "onnxruntime/" + folder);
            for (String name : new String[] {"onnxruntime", "onnxruntime4j_jni"}) {
                String lib = System.mapLibraryName(name);
                java.net.URL url = NativeCache.class.getResource("/ai/onnxruntime/native/" + folder + "/" + lib);
                if (url == null) {
                    return;
                }
                java.net.URLConnection resource = url.openConnection();
                File target = new File(dir, lib);
                // a library of another ONNX Runtime version has another length
                if (target.length() == resource.getContentLengthLong()) {
                    continue;
                }
                java.nio.file.Files.createDirectories(dir.toPath());
                java.nio.file.Path part = java.nio.file.Files.createTempFile(dir.toPath(), "." + lib, ".part");
                try (java.io.InputStream in = resource.getInputStream()) {
                    java.nio.file.Files.copy(in, part, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                    java.nio.file.Files.move(part, target.toPath(), java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                } finally {
                    java.nio.file.Files.deleteIfExists(part);
                }
            }
            System.setProperty(ORT_PATH_PROPERTY, dir.getPath());
        } catch (IOException e) {
            LOG.warn("could not unpack ONNX Runtime into {}: it unpacks itself into the temporary folder ({})",
                    cacheDir(), e.toString());
        }
    }

    /** ONNX Runtime's name for this platform's folder of libraries, or null where it bundles none we know */
    private static String ortPlatform() {
        String os = System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(java.util.Locale.ROOT);
        String o = os.contains("linux") ? "linux" : os.contains("mac") || os.contains("darwin") ? "osx" : null;
        String a = arch.equals("amd64") || arch.equals("x86_64") ? "x64" : arch.equals("aarch64") ? "aarch64" : null;
        return o == null || a == null ? null : o + "-" + a;
    }

    public static String cacheDir() {
        try {
            return Loader.getCacheDir().getPath();
        } catch (IOException e) {
            return "(unavailable: " + e.getMessage() + ")";
        }
    }
}
