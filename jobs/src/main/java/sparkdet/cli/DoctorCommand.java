package sparkdet.cli;

import ai.onnxruntime.OrtEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import org.bytedeco.javacpp.Loader;
import sparkdet.image.OpenCv;
import sparkdet.model.Devices;
import sparkdet.model.Torch;
import sparkdet.runtime.NativeCache;

/**
 * {@code sparkdet doctor}: one "name: value" line per part of this machine's environment, for a
 * problem report. A part that fails prints "name: unavailable (reason)" and the rest go on; the
 * exit code is 1 only when every native part (libtorch, ONNX Runtime, OpenCV) failed. Starts no
 * Spark session.
 */
final class DoctorCommand implements Command {
    /** the line names, in the order printed */
    static final List<String> LINES = List.of("java", "max heap", "os", "processors", "cpu features", "spark",
            "hadoop", "libtorch", "libtorch capabilities", "cuda devices", "javacpp cache", "onnxruntime",
            "onnxruntime providers", "opencv", "auto device");

    @Override
    public String name() {
        return "doctor";
    }

    @Override
    public String summary() {
        return "the versions and native capabilities of this machine, for a problem report";
    }

    @Override
    public String help() {
        return """
            usage: sparkdet doctor

            Prints one "name: value" line each: Java's version and vendor, the JVM's max heap, the OS
            and architecture, the available processors, the CPU features the kernels use (avx2,
            avx512f, fma from /proc/cpuinfo), the Spark and Hadoop versions, libtorch (loaded as the
            commands load it) with its capabilities and CUDA devices, the JavaCPP cache folder, ONNX
            Runtime's version and execution providers, OpenCV's version, and the device that
            train.device = auto picks here. A part that cannot be read prints "name: unavailable
            (reason)" and the others follow. Starts no Spark session; the common options are accepted
            and unused. Exit code 0, or 1 when libtorch, ONNX Runtime and OpenCV all failed to load.
            """;
    }

    @Override
    public Set<String> valuedOptions() {
        return Set.of();
    }

    @Override
    public Set<String> flagOptions() {
        return Set.of();
    }

    @Override
    public int run(Args args, Context context) {
        Runtime rt = Runtime.getRuntime();
        line(context, "java", () -> System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ", "
                + System.getProperty("java.vm.name") + ")");
        line(context, "max heap", () -> rt.maxMemory() == Long.MAX_VALUE ? "unlimited"
                : String.format(Locale.ROOT, "%.0f MiB", rt.maxMemory() / (1024.0 * 1024.0)));
        line(context, "os", () -> System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch"));
        line(context, "processors", () -> String.valueOf(rt.availableProcessors()));
        line(context, "cpu features", DoctorCommand::cpuFeatures);
        line(context, "spark", () -> String.valueOf(Class.forName("org.apache.spark.package$").getMethod("SPARK_VERSION")
                .invoke(Class.forName("org.apache.spark.package$").getField("MODULE$").get(null))));
        line(context, "hadoop", org.apache.hadoop.util.VersionInfo::getVersion);

        boolean torch = line(context, "libtorch", () -> {
            Torch.load();
            return "loaded (" + presetVersion("pytorch") + ", " + NativeCache.platform()
                    + System.getProperty("org.bytedeco.javacpp.platform.extension", "") + ", "
                    + org.bytedeco.pytorch.global.torch.get_num_threads() + " intra-op threads)";
        });
        if (torch) {
            line(context, "libtorch capabilities", DoctorCommand::torchCapabilities);
            line(context, "cuda devices", () -> String.valueOf(Devices.cudaDevices()));
        } else {
            context.out().println("libtorch capabilities: unavailable (libtorch did not load)");
            context.out().println("cuda devices: unavailable (libtorch did not load)");
        }
        line(context, "javacpp cache", NativeCache::cacheDir);

        boolean ort = line(context, "onnxruntime", () -> {
            NativeCache.prepareOnnxRuntime();
            OrtEnvironment env = OrtEnvironment.getEnvironment();
            env.setTelemetry(false);
            return env.getVersion();
        });
        line(context, "onnxruntime providers", () -> OrtEnvironment.getAvailableProviders().toString());

        boolean opencv = line(context, "opencv", () -> {
            OpenCv.load();
            return org.bytedeco.opencv.global.opencv_core.CV_VERSION() + " (JavaCV "
                    + presetVersion("opencv") + ")";
        });
        if (torch) {
            line(context, "auto device", () -> Devices.name(Devices.select(Devices.AUTO, 0)));
        } else {
            context.out().println("auto device: unavailable (libtorch did not load)");
        }
        return torch || ort || opencv ? Main.OK : Main.INTERNAL_ERROR;
    }

    /** prints "name: value", or "name: unavailable (reason)" when the part fails; true when it did not */
    private static boolean line(Context context, String name, Callable<String> value) {
        String text;
        boolean ok;
        try {
            text = value.call();
            ok = true;
        } catch (Throwable t) { // an UnsatisfiedLinkError or NoClassDefFoundError is a finding here, not a crash
            Throwable cause = t instanceof java.lang.reflect.InvocationTargetException && t.getCause() != null
                    ? t.getCause() : t;
            String message = cause.getMessage() == null || cause.getMessage().isBlank() ? cause.getClass().getSimpleName()
                    : cause.getClass().getSimpleName() + ": " + cause.getMessage().lines().findFirst().orElse("");
            text = "unavailable (" + message + ")";
            ok = false;
        }
        context.out().println(name + ": " + text);
        return ok;
    }

    private static String cpuFeatures() throws Exception {
        Path cpuinfo = Path.of("/proc/cpuinfo");
        if (!Files.isReadable(cpuinfo)) {
            return "unknown (no readable /proc/cpuinfo)";
        }
        Set<String> flags = Set.of();
        for (String l : Files.readAllLines(cpuinfo)) {
            if (l.startsWith("flags") || l.startsWith("Features")) {
                flags = Set.of(l.substring(l.indexOf(':') + 1).trim().split("\\s+"));
                break;
            }
        }
        if (flags.isEmpty()) {
            return "unknown (no flags in /proc/cpuinfo)";
        }
        List<String> parts = new ArrayList<>();
        for (String f : List.of("avx2", "avx512f", "fma")) {
            parts.add(f + "=" + (flags.contains(f) ? "yes" : "no"));
        }
        return String.join(" ", parts);
    }

    private static String torchCapabilities() {
        org.bytedeco.pytorch.global.torch.globalContext(); // libtorch's context exists once loaded
        List<String> parts = new ArrayList<>();
        parts.add("cuda=" + org.bytedeco.pytorch.Context.hasCUDA());
        parts.add("cudnn=" + org.bytedeco.pytorch.Context.hasCuDNN());
        parts.add("mkldnn=" + org.bytedeco.pytorch.Context.hasMKLDNN());
        parts.add("mkl=" + org.bytedeco.pytorch.Context.hasMKL());
        parts.add("openmp=" + org.bytedeco.pytorch.Context.hasOpenMP());
        parts.add("lapack=" + org.bytedeco.pytorch.Context.hasLAPACK());
        return String.join(" ", parts);
    }

    /** the JavaCPP preset's Maven version, e.g. 2.13.0-1.5.14, or "version unknown" */
    private static String presetVersion(String preset) {
        String v;
        try {
            v = Loader.getVersion("org.bytedeco", preset);
        } catch (java.io.IOException e) {
            v = null;
        }
        return v == null ? "preset version unknown" : "preset " + v;
    }
}
