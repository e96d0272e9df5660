package sparkdet.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.ByteVector;
import org.bytedeco.pytorch.GenericDict;
import org.bytedeco.pytorch.IValue;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sparkdet.io.Storage;

class WeightsTest {
    /**
     * A model whose BN statistics moved away from their defaults is saved to a file URI and loaded
     * into a model with other random weights: every parameter and buffer, and the eval outputs, are
     * bit-identical.
     */
    @Test
    void savedAndReloadedWeightsGiveBitIdenticalOutputs(@TempDir Path dir) throws Exception {
        try (PointerScope scope = new PointerScope()) {
            torch.manual_seed(1);
            Network a = TestModels.network(2, 0.25);
            Tensor x = torch.rand(2, 3, 64, 64);
            try (NoGradGuard noGrad = new NoGradGuard()) {
                a.forward(x); // train mode: running statistics move
            }
            Storage storage = new Storage(new Configuration());
            String uri = "file://" + dir.resolve("a.pth");
            Weights.save(a, storage, uri);
            torch.manual_seed(2);
            Network b = TestModels.network(2, 0.25);
            assertThat(b.stateDict().get("backbone.conv1.conv.weight").equal(a.stateDict().get("backbone.conv1.conv.weight")))
                    .isFalse();
            assertThat(Weights.loadMatching(b, storage, uri, ModelFiles.MAX_BYTES_CEILING).complete()).isTrue();
            Map<String, Tensor> sa = a.stateDict();
            Map<String, Tensor> sb = b.stateDict();
            assertThat(sb.keySet()).containsExactlyElementsOf(sa.keySet());
            sa.forEach((name, t) -> assertThat(sb.get(name).equal(t)).as(name).isTrue());
            assertThat(sb.get("conv_for_P5.bn.num_batches_tracked").item_long()).isEqualTo(1);
            a.eval();
            b.eval();
            try (NoGradGuard noGrad = new NoGradGuard()) {
                Tensor[] ya = a.forward(x);
                Tensor[] yb = b.forward(x);
                assertThat(yb[0].equal(ya[0])).isTrue();
                assertThat(yb[1].equal(ya[1])).isTrue();
            }
        }
    }

    /** the file is a plain dict of tensors in torch.save's zip format: libtorch's own pickle_load reads it too */
    @Test
    void savedWeightsAreATorchSaveDictThatLibtorchReads() throws Exception {
        try (PointerScope scope = new PointerScope()) {
            Network model = TestModels.network(1, 0.25);
            byte[] file = save(model);
            assertThat(new String(file, 0, 2, StandardCharsets.US_ASCII)).isEqualTo("PK");
            IValue loaded = torch.pickle_load(new ByteVector(file));
            assertThat(loaded.isGenericDict()).isTrue();
            GenericDict dict = loaded.toGenericDict();
            assertThat(dict.size()).isEqualTo(model.stateDict().size());
            Tensor w = dict.at(new IValue("yolo_headP4.1.weight")).toTensor();
            assertThat(w.equal(model.stateDict().get("yolo_headP4.1.weight"))).isTrue();
        }
    }

    @Test
    void strictLoadOfAnotherWidthNamesTheMismatches() throws Exception {
        try (PointerScope scope = new PointerScope()) {
            byte[] file = save(TestModels.network(1, 0.25));
            assertThatThrownBy(() -> Weights.load(TestModels.network(1, 0.5), file, "small.pth", ModelFiles.MAX_BYTES_CEILING))
                    .hasMessageContaining("small.pth does not fit the model")
                    .hasMessageContaining("backbone.conv1.conv.weight: file [8, 3, 3, 3], model [16, 3, 3, 3]");
        }
    }

    @Test
    void notATorchFileIsAClearError() {
        assertThatThrownBy(() -> Weights.loadMatching(TestModels.network(1, 0.25), "hello".getBytes(), "x.pth", ModelFiles.MAX_BYTES_CEILING))
                .hasMessageContaining("x.pth is not a PyTorch file");
    }

    private static byte[] save(Network model) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Weights.save(model, out);
        return out.toByteArray();
    }

    /**
     * train.pretrained takes a sparkdet model.zip (it once refused one: "a zip without data.pkl");
     * another class count loads all but the head outputs; a file that fills no backbone weight is
     * refused with the file named.
     */
    @Test
    void pretrainedTakesAModelZipAndRefusesAFileThatFitsNoBackbone(@TempDir Path dir) throws Exception {
        try (PointerScope scope = new PointerScope()) {
            Storage storage = new Storage(new Configuration());
            ModelSpec spec = TestModels.yolov4Tiny(new sparkdet.data.ClassList(java.util.List.of("a", "b")), 0.25,
                    TestModels.defaultAnchors(), 64, 64);
            torch.manual_seed(3);
            Network trained = spec.newNetwork();
            String zip = dir.resolve("model.zip").toString();
            ModelArchive.write(storage, zip, spec, trained);

            Network same = TestModels.network(2, 0.25);
            LoadReport all = Weights.loadPretrained(same, storage, zip, ModelFiles.MAX_BYTES_CEILING);
            assertThat(all.complete()).isTrue();
            assertThat(same.stateDict().get("backbone.conv1.conv.weight")
                    .equal(trained.stateDict().get("backbone.conv1.conv.weight"))).isTrue();

            LoadReport partial = Weights.loadPretrained(TestModels.network(5, 0.25), storage, zip,
                    ModelFiles.MAX_BYTES_CEILING);
            assertThat(partial.skipped()).hasSize(4);
            assertThat(partial.loaded()).hasSize(all.loaded().size() - 4);

            Path legacy = dir.resolve("other.pth");
            java.nio.file.Files.write(legacy, Fixtures.bytes(Fixtures.LEGACY));
            assertThatThrownBy(() -> Weights.loadPretrained(TestModels.network(2, 0.25), storage, legacy.toString(),
                    ModelFiles.MAX_BYTES_CEILING))
                    .isInstanceOf(sparkdet.io.InputUnusableException.class).hasMessageContaining("other.pth")
                    .hasMessageContaining("fills no backbone weight");
            assertThatThrownBy(() -> Weights.loadPretrained(TestModels.network(2, 1.0), storage, zip,
                    ModelFiles.MAX_BYTES_CEILING))
                    .as("another width").hasMessageContaining("fills no backbone weight");
        }
    }
}
