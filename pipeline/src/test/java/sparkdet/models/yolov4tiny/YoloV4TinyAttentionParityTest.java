package sparkdet.models.yolov4tiny;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import sparkdet.infer.Sidecar;
import sparkdet.io.Storage;
import sparkdet.model.Fixtures;
import sparkdet.model.LoadReport;
import sparkdet.model.ModelFamilies;
import sparkdet.model.ModelFiles;
import sparkdet.model.ModelSpec;
import sparkdet.model.Network;
import sparkdet.model.Targets;
import sparkdet.model.TestModels;
import sparkdet.model.TrainingStep;
import sparkdet.model.Weights;

/**
 * The attention variants phi1..phi4 (SE, CBAM, ECA, CA) against yolov4-tiny-pytorch's YoloBody(phi)
 * written out in PyTorch (scripts/make_yolov4_tiny_fixture.py, which checks it against the
 * repository's own when given a checkout): width 0.125, 3 classes, 64 x 64, random weights.
 */
class YoloV4TinyAttentionParityTest {
    private static final double WIDTH = 0.125;
    private static final int CLASSES = 3;

    @ParameterizedTest
    @EnumSource(value = Attention.class, names = {"SE", "CBAM", "ECA", "CA"})
    void loadedPthReproducesPyTorchOutputsInEvalMode(Attention attention) throws Exception {
        String name = "yolov4_tiny_" + attention.variant() + "_w0125_c3";
        try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
            YoloV4Tiny model = new YoloV4Tiny(CLASSES, WIDTH, attention);
            LoadReport report = Weights.loadMatching(model, Fixtures.bytes(name + ".pth"), name + ".pth",
                    ModelFiles.MAX_BYTES_CEILING);
            assertThat(report.skipped()).isEmpty();
            assertThat(report.unused()).isEmpty();
            assertThat(report.loaded()).hasSize(model.stateDict().size())
                    .anyMatch(k -> k.startsWith("feat1_att.")).anyMatch(k -> k.startsWith("upsample_att."));
            Map<String, Tensor> io = Fixtures.tensors(name + "_io.pt");
            model.eval();
            for (boolean folded : new boolean[] {false, true}) {
                if (folded) {
                    model.foldForInference();
                }
                Tensor[] out = model.forward(io.get("input"));
                for (int i = 0; i < 2; i++) {
                    double d = out[i].sub(io.get("out" + i)).abs().max().item_double();
                    System.out.printf("%s out%d%s: max |Java - PyTorch| %.3g%n", attention.variant(), i,
                            folded ? " folded" : "", d);
                    assertThat(d).as("%s out%d folded %s", attention, i, folded).isLessThan(1e-4);
                }
            }
        }
    }

    /** the attention blocks' tensors of the full-size network (80 classes), names and shapes in order */
    @Test
    void fullSizeAttentionNamesAndShapesEqualTheReferences() throws Exception {
        List<String> expected = new String(Fixtures.bytes("yolov4_tiny_attention_state_dict.txt"), StandardCharsets.UTF_8)
                .lines().toList();
        List<String> actual = new ArrayList<>();
        try (PointerScope scope = new PointerScope()) {
            for (Attention attention : List.of(Attention.SE, Attention.CBAM, Attention.ECA, Attention.CA)) {
                new YoloV4Tiny(80, 1.0, attention).stateDict().forEach((k, v) -> {
                    if (k.contains("_att.")) {
                        actual.add(attention.variant() + " " + k + " " + Arrays.toString(v.sizes().vec().get()));
                    }
                });
            }
        }
        assertThat(actual).containsExactlyElementsOf(expected);
        // ECA's kernel follows the channel count: 5 for 128 to 512 channels, 3 below 64
        assertThat(EcaBlock.kernelSize(256)).isEqualTo(5);
        assertThat(EcaBlock.kernelSize(16)).isEqualTo(3);
    }

    /**
     * Each variant as the family builds it trains: a few SGD steps on one batch give finite losses
     * and move the attention blocks' weights, which start as the reference's weights_init leaves them
     * (convolutions, 1-D too, N(0, 0.02); linear layers PyTorch's default).
     */
    @ParameterizedTest
    @EnumSource(value = Attention.class, names = {"SE", "CBAM", "ECA", "CA"})
    void eachVariantTrainsThroughTheFamily(Attention attention) {
        try (PointerScope scope = new PointerScope()) {
            torch.manual_seed(5);
            ModelSpec tiny = TestModels.yolov4Tiny(CLASSES, WIDTH, 64);
            ModelSpec spec = new ModelSpec(tiny.architecture(), attention.variant(), tiny.task(), tiny.classes(), 64, 64,
                    tiny.pixels(), tiny.resize(), tiny.options());
            Network model = ModelFamilies.of(spec.architecture()).newNetwork(spec);
            Map<String, Tensor> before = Fixtures.snapshot(model);
            if (attention == Attention.ECA) {
                assertThat(before.get("feat2_att.conv.weight").abs().max().item_double()).isLessThan(0.1);
            }
            TrainingStep step = new TrainingStep(model, ModelFamilies.of(spec.architecture()).newLoss(spec, 0),
                    TrainingStep.Kind.SGD, 0.02, 0.9, 0);
            float[] images = new float[2 * 3 * 64 * 64];
            Arrays.fill(images, 0.5f);
            Targets targets = new Targets(new float[][][] {{{4, 6, 30, 40, 2}}, {{10, 10, 54, 58, 1}}});
            for (int i = 0; i < 3; i++) {
                assertThat(step.train(images, 64, 64, targets)).isFinite().isPositive();
            }
            Map<String, Tensor> after = model.stateDict();
            assertThat(before.keySet().stream().filter(k -> k.startsWith("feat1_att.") && k.endsWith("weight")))
                    .isNotEmpty().anyMatch(k -> !after.get(k).equal(before.get(k)));
        }
    }

    /** a .pth of an attention variant runs from its sidecar's variant: the network it builds takes every tensor */
    @Test
    void aPthSidecarNamingTheVariantBuildsThatNetwork(@TempDir Path tmp) throws Exception {
        Files.write(tmp.resolve("m.pth"), Fixtures.bytes("yolov4_tiny_phi4_w0125_c3.pth"));
        Files.writeString(tmp.resolve("m.pth.conf"), "layout = yolo-anchors\nvariant = phi4\nwidth = 0.125\n"
                + "input-size = 64\nclasses = [a, b, c]\nanchors = [10,14, 23,27, 37,58, 81,82, 135,169, 344,319]\n");
        ModelSpec spec = Sidecar.read(new Storage(new Configuration()), Storage.path(tmp.resolve("m.pth").toString()), -1)
                .modelSpec();
        assertThat(spec.architecture()).isEqualTo("yolov4-tiny");
        assertThat(spec.variant()).isEqualTo("phi4");
        try (PointerScope scope = new PointerScope()) {
            Network model = ModelFamilies.of(spec.architecture()).newNetwork(spec);
            LoadReport report = Weights.loadMatching(model, Files.readAllBytes(tmp.resolve("m.pth")), "m.pth",
                    ModelFiles.MAX_BYTES_CEILING);
            assertThat(report.complete()).isTrue();
            assertThat(report.unused()).isEmpty();
        }
    }

    /** the family lists the phi values, phi0 (no attention, what older model.json files name) first */
    @Test
    void theFamilysVariantsAreThePhiValues() {
        assertThat(ModelFamilies.of("yolov4-tiny").variants()).containsExactly("phi0", "phi1", "phi2", "phi3", "phi4");
        assertThat(Attention.ofVariant("phi2")).isEqualTo(Attention.CBAM);
    }
}
