package sparkdet.infer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sparkdet.runtime.NativeCache;

class OnnxAloneTest {
    /**
     * An ONNX model on the CPU needs ONNX Runtime only (issue 12): a new JVM pointed at an empty
     * JavaCPP cache runs one and leaves libtorch (450 MB, seconds to unpack and load) untouched.
     */
    @Test
    void onnxOnTheCpuNeverUnpacksLibtorch(@TempDir Path cache, @TempDir Path temp) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-D" + NativeCache.CACHE_DIR_PROPERTY + "=" + cache, "-Djava.io.tmpdir=" + temp, "-cp", System.getProperty("java.class.path"),
                OnnxOnlyMain.class.getName(), ConstantModelsTest.FIXTURES.resolve("yolov8_constant.onnx").toString())
                .redirectErrorStream(true);
        Process p = pb.start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(text).isZero();
        assertThat(text).contains("detections 2");
        try (Stream<Path> files = Files.walk(cache)) {
            List<String> names = files.map(f -> f.getFileName().toString()).toList();
            assertThat(names).noneMatch(n -> n.startsWith("libtorch")).contains("libonnxruntime.so");
        }
        try (Stream<Path> left = Files.list(temp)) {
            assertThat(left).as("ONNX Runtime's libraries come from the cache: no onnxruntime-java* folder left")
                    .isEmpty();
        }
    }
}
