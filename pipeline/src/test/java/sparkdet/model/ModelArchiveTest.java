package sparkdet.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sparkdet.data.ClassList;
import sparkdet.io.Storage;
import sparkdet.models.yolo.AnchorOptions;

class ModelArchiveTest {
    private static final ClassList CLASSES = new ClassList(List.of("circle", "square", "triangle"));
    private static final Storage STORAGE = new Storage(new Configuration());

    /**
     * A model written to a file: URI through Hadoop and read back: the same description, weights
     * that give bit-identical outputs, a model in eval mode, and no temporary file left behind;
     * writing again replaces the archive.
     */
    @Test
    void roundTrip(@TempDir Path dir) throws Exception {
        try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
            String uri = "file://" + dir.resolve("model.zip");
            float[][] anchors = {{5, 6}, {8, 9}, {12, 14}, {20, 18}, {30, 33}, {60, 50}};
            ModelSpec spec = TestModels.yolov4Tiny(CLASSES, 0.25, anchors, 96, 128);
            torch.manual_seed(4);
            Network model = spec.newNetwork();
            model.eval();
            ModelArchive.write(STORAGE, uri, spec, model);
            ModelArchive.write(STORAGE, uri, spec, model);

            ModelArchive.Loaded back = ModelArchive.read(STORAGE, uri, CLASSES, ModelFiles.MAX_BYTES_CEILING);
            assertThat(back.model().is_training()).isFalse();
            assertThat(back.spec().classes()).isEqualTo(CLASSES);
            AnchorOptions options = (AnchorOptions) back.spec().options();
            assertThat(options.width()).isEqualTo(0.25);
            assertThat(options.anchors()).isDeepEqualTo(anchors);
            assertThat(options.anchorsMask()).isDeepEqualTo(new int[][] {{3, 4, 5}, {1, 2, 3}});
            assertThat(back.spec().inputHeight()).isEqualTo(96);
            assertThat(back.spec().inputWidth()).isEqualTo(128);
            assertThat(back.spec().pixels().scale()).isEqualTo(1.0 / 255);
            Tensor x = torch.rand(1, 3, 96, 128);
            Tensor[] a = model.forward(x);
            Tensor[] b = back.model().forward(x);
            assertThat(b[0].equal(a[0])).isTrue();
            assertThat(b[1].equal(a[1])).isTrue();
            try (Stream<Path> files = Files.list(dir)) {
                // Hadoop's local file system keeps a .crc checksum beside each file
                assertThat(files.map(p -> p.getFileName().toString()).filter(n -> !n.endsWith(".crc")))
                        .containsExactly("model.zip");
            }
        }
    }

    @Test
    void modelJsonNamesEverythingPredictNeeds(@TempDir Path dir) throws Exception {
        try (PointerScope scope = new PointerScope()) {
            String uri = dir.resolve("m.zip").toString();
            ModelSpec spec = TestModels.yolov4Tiny(CLASSES, 0.25, TestModels.defaultAnchors(), 416, 416);
            ModelArchive.write(STORAGE, uri, spec, spec.newNetwork());
            ZipRecords entries = ZipRecords.open(Files.readAllBytes(dir.resolve("m.zip")), uri, ModelFiles.MAX_BYTES_CEILING);
            assertThat(entries.names()).containsExactly("model.json", "weights.pth");
            JsonNode json = new ObjectMapper().readTree(new String(entries.read("model.json"), StandardCharsets.UTF_8));
            assertThat(json.path("architecture").asText()).isEqualTo("yolov4-tiny");
            assertThat(json.path("num_classes").asInt()).isEqualTo(3);
            assertThat(json.path("classes").toString()).isEqualTo("[\"circle\",\"square\",\"triangle\"]");
            assertThat(json.path("anchors").toString()).isEqualTo("[[10.0,14.0],[23.0,27.0],[37.0,58.0],[81.0,82.0],[135.0,169.0],[344.0,319.0]]");
            assertThat(json.path("anchors_mask").toString()).isEqualTo("[[3,4,5],[1,2,3]]");
            assertThat(json.path("input_size").toString()).isEqualTo("{\"height\":416,\"width\":416}");
            assertThat(json.path("normalize").toString()).isEqualTo("{\"scale\":" + (1.0 / 255) + ",\"mean\":[0.0,0.0,0.0],\"std\":[1.0,1.0,1.0]}");
            assertThat(json.path("weights").asText()).isEqualTo("weights.pth");
        }
    }

    @Test
    void otherExpectedClassesIsAClearError(@TempDir Path dir) throws Exception {
        try (PointerScope scope = new PointerScope()) {
            String uri = dir.resolve("model.zip").toString();
            ModelSpec spec = TestModels.yolov4Tiny(CLASSES, 0.25, TestModels.defaultAnchors(), 64, 64);
            ModelArchive.write(STORAGE, uri, spec, spec.newNetwork());
            ClassList other = new ClassList(List.of("circle", "triangle", "square"));
            assertThatThrownBy(() -> ModelArchive.read(STORAGE, uri, other, ModelFiles.MAX_BYTES_CEILING))
                    .hasMessageContaining("trained for the classes [circle, square, triangle]")
                    .hasMessageContaining("the classes [circle, triangle, square] were expected");
        }
    }

    @Test
    void aModelThatDoesNotMatchItsDescriptionIsRefused(@TempDir Path dir) {
        try (PointerScope scope = new PointerScope()) {
            ModelSpec spec = TestModels.yolov4Tiny(CLASSES, 0.25, TestModels.defaultAnchors(), 64, 64);
            assertThatThrownBy(() -> ModelArchive.write(STORAGE, dir.resolve("m.zip").toString(), spec, TestModels.network(2, 0.25)))
                    .hasMessageContaining("2 classes").hasMessageContaining("3 classes");
        }
    }
}
