package sparkdet.infer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sparkdet.io.HadoopConf;
import sparkdet.model.ModelFiles;

/**
 * The executor's model cache (issue 12): it once kept every model it ever loaded, a replaced file
 * adding a second native model and never freeing the first. Real ONNX models, really closed: a
 * closed ONNX Runtime session refuses to run.
 */
class SharedDetectorsTest {
    private static final HadoopConf HADOOP = new HadoopConf(new Configuration());

    @Test
    void aReplacedModelIsClosedOnceItsLastTaskLetsGo(@TempDir Path dir) throws Exception {
        Path model = dir.resolve("model.onnx");
        install("yolov8_constant.onnx", model,
                Files.readString(ConstantModelsTest.FIXTURES.resolve("yolov8_constant.onnx.conf")));
        Detector first;
        try (SharedDetectors.Lease a = acquire(model); SharedDetectors.Lease b = acquire(model)) {
            assertThat(b.detector()).as("one model per file for all tasks").isSameAs(a.detector());
            first = a.detector();
        }
        try (SharedDetectors.Lease held = acquire(model)) {
            assertThat(held.detector()).as("kept for the next task").isSameAs(first);
            install("heads_constant.onnx", model, Files.readString(ConstantModelsTest.FIXTURES
                    .resolve("heads_constant.onnx.conf")).replace("classes-file = heads_constant.classes",
                    "classes = [cat, dog]"));
            try (SharedDetectors.Lease replaced = acquire(model)) {
                assertThat(replaced.detector()).isNotSameAs(first);
                assertThat(replaced.detector().spec().inputSize()).isEqualTo(64);
            }
            assertThat(first.detect(List.of(ConstantModelsTest.grey(64, 64)), DetectOptions.defaults()))
                    .as("still open for the task that holds it").hasSize(1);
        }
        assertThatThrownBy(() -> first.detect(List.of(ConstantModelsTest.grey(64, 64)), DetectOptions.defaults()))
                .as("closed when that task let go").isInstanceOf(IllegalStateException.class);
    }

    @Test
    void atMostAFewModelsStayLoaded(@TempDir Path dir) throws Exception {
        List<Detector> loaded = new ArrayList<>();
        for (int i = 0; i <= SharedDetectors.MAX_MODELS; i++) {
            Path model = dir.resolve("m" + i + ".onnx");
            install("yolov8_constant.onnx", model,
                    Files.readString(ConstantModelsTest.FIXTURES.resolve("yolov8_constant.onnx.conf")));
            try (SharedDetectors.Lease lease = acquire(model)) {
                loaded.add(lease.detector());
            }
        }
        assertThatThrownBy(() -> loaded.get(0).detect(List.of(ConstantModelsTest.grey(64, 64)),
                DetectOptions.defaults())).as("the least recently used, closed").isInstanceOf(IllegalStateException.class);
        assertThat(loaded.get(SharedDetectors.MAX_MODELS).detect(List.of(ConstantModelsTest.grey(64, 64)),
                DetectOptions.defaults())).hasSize(1);
    }

    private static SharedDetectors.Lease acquire(Path model) throws Exception {
        return SharedDetectors.acquire(HADOOP, model.toString(), 1, "cpu", ModelFiles.MAX_BYTES_CEILING);
    }

    private static void install(String fixture, Path model, String sidecar) throws Exception {
        Files.copy(ConstantModelsTest.FIXTURES.resolve(fixture), model, StandardCopyOption.REPLACE_EXISTING);
        Files.writeString(model.resolveSibling(model.getFileName() + Sidecar.SUFFIX), sidecar);
    }
}
