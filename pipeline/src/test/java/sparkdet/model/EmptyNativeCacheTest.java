package sparkdet.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sparkdet.runtime.NativeCache;
import sparkdet.testing.TestData;

class EmptyNativeCacheTest {
    /**
     * A new JVM pointed at an empty JavaCPP cache decodes a JPEG with OpenCV and runs a libtorch
     * convolution forward and backward: the unpack-before-load order holds on a fresh machine.
     */
    @Test
    void loadsFromAnEmptyCache(@TempDir Path cache) throws Exception {
        Path jpg = TestData.require(TestData.DARKNET.resolve("dog.jpg"));
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-D" + NativeCache.CACHE_DIR_PROPERTY + "=" + cache);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(NativeSmokeMain.class.getName());
        cmd.add(jpg.toString());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("OMP_NUM_THREADS", "1");
        Process p = pb.start();
        byte[] output = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
        String text = new String(output, StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(text).isZero();
        assertThat(text).contains("conv [1, 4, 574, 766] grad [4, 3, 3, 3]");
        try (Stream<Path> files = Files.walk(cache)) {
            assertThat(files.map(Path::getFileName).map(Path::toString))
                    .anyMatch(n -> n.startsWith("libtorch_cpu"))
                    .anyMatch(n -> n.startsWith("libopencv_imgcodecs"));
        }
        assertThat(new File(cache.toFile(), ".").exists()).isTrue();
    }
}
