package sparkdet.models.yolox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.ConfigFactory;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sparkdet.infer.DetectOptions;
import sparkdet.infer.Detector;
import sparkdet.infer.Detectors;
import sparkdet.infer.Sidecar;
import sparkdet.image.RgbImage;
import sparkdet.io.Storage;
import sparkdet.model.FamilyRecipe;
import sparkdet.model.ModelFamilies;
import sparkdet.model.ModelFamily;
import sparkdet.model.ModelFiles;
import sparkdet.model.ModelSpec;
import sparkdet.model.RawOutputs;

/** the family as the registry, model.json, a recipe and a .pth sidecar find it */
class YoloXFamilyTest {
    @TempDir
    Path tmp;

    @Test
    void isRegisteredWithTheReferencesVariants() {
        ModelFamily family = ModelFamilies.of("yolox");
        assertThat(family).isInstanceOf(YoloXFamily.class);
        assertThat(family.variants()).containsExactly("s", "nano", "tiny", "m", "l", "x");
        assertThat(family.inputMultiple()).isEqualTo(32);
        assertThat(family.sidecarLayout()).isEqualTo("yolox");
        assertThat(ModelFamilies.ofLayout("yolox")).isInstanceOf(YoloXFamily.class);
        assertThat(ModelFamilies.layout("yolox")).isInstanceOf(YoloXLayout.class);
    }

    @Test
    void optionsGoThroughModelJsonAndAreChecked() {
        ObjectNode json = new ObjectMapper().createObjectNode();
        YoloXOptions.of(0.25).writeTo(json);
        assertThat(json.toString()).isEqualTo("{\"width\":0.25,\"strides\":[8,16,32]}");
        assertThat(new YoloXFamily().readOptions(json)).isEqualTo(YoloXOptions.of(0.25));
        json.putArray("strides").add(8).add(16);
        assertThatThrownBy(() -> new YoloXFamily().readOptions(json)).hasMessageContaining("strides [8, 16, 32], not [8, 16]");
        json.remove("strides");
        assertThatThrownBy(() -> new YoloXFamily().readOptions(json)).hasMessageContaining("needs width");
    }

    @Test
    void theRecipeFitsNothingAndResumesFromTheCheckpoint() {
        FamilyRecipe recipe = new YoloXFamily().recipe(ConfigFactory.parseString(
                "width = 0.25, anchors = [], label-smoothing = 0"));
        assertThat(recipe.fit(() -> {
            throw new AssertionError("an anchor-free family gathers no boxes");
        }, 11)).isEqualTo(YoloXOptions.of(0.25));
        ObjectNode state = new ObjectMapper().createObjectNode();
        YoloXOptions.of(0.5).writeTo(state);
        assertThat(recipe.resume(state)).isEqualTo(YoloXOptions.of(0.5));
        assertThat(recipe.pixels().mean()).containsExactly(0.485, 0.456, 0.406);
        assertThat(recipe.pixels().std()).containsExactly(0.229, 0.224, 0.225);
        assertThatThrownBy(() -> new YoloXFamily().recipe(ConfigFactory.parseString(
                "width = 0.25, anchors = [10, 13], label-smoothing = 0"))).hasMessageContaining("anchor-free");
        assertThatThrownBy(() -> new YoloXFamily().recipe(ConfigFactory.parseString(
                "width = 0.25, anchors = [], label-smoothing = 0.1"))).hasMessageContaining("label-smoothing");
    }

    /** the reference's .pth (here the fixture's nano) with a sidecar: found by its layout, run by libtorch */
    @Test
    void aPthWithASidecarLoadsAndDetects() throws Exception {
        Path pth = tmp.resolve("nano.pth");
        try (InputStream in = YoloXFamilyTest.class.getResourceAsStream("/fixtures/" + XFixtures.WEIGHTS)) {
            Files.copy(in, pth);
        }
        Files.writeString(tmp.resolve("nano.pth.conf"), "layout = yolox\nvariant = nano\nwidth = 0.5\n"
                + "input-size = 64\nclasses = [a, b, c]\n");
        Storage storage = new Storage(new Configuration());
        ModelSpec spec = Sidecar.read(storage, Storage.path(pth.toString()), -1).modelSpec();
        assertThat(spec.architecture()).isEqualTo("yolox");
        assertThat(spec.variant()).isEqualTo("nano");
        assertThat(spec.options()).isEqualTo(YoloXOptions.of(0.5));
        assertThat(spec.pixels().mean()).containsExactly(YoloXLayout.PIXELS.mean());
        byte[] rgb = new byte[80 * 60 * 3];
        Arrays.fill(rgb, (byte) 120);
        List<RgbImage> photos = List.of(new RgbImage(80, 60, rgb));
        try (Detector d = Detectors.open(storage, pth.toString(), 1, "cpu", ModelFiles.MAX_BYTES_CEILING)) {
            RawOutputs out = d.run(d.prepare(photos));
            assertThat(out.shapes()).isDeepEqualTo(new long[][] {{1, 8, 8, 8}, {1, 8, 4, 4}, {1, 8, 2, 2}});
            assertThat(d.detect(photos, new DetectOptions(0.001, 0.45, 100)).get(0))
                    .allSatisfy(det -> assertThat(det.classIndex()).isBetween(0, 2));
        }
    }
}
