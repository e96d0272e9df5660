package sparkdet.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import sparkdet.io.InputUnusableException;

class ModelFamiliesTest {
    @Test
    void anUnknownArchitectureIsRefusedNamingTheKnownOnes() {
        assertThat(ModelFamilies.of("yolov4-tiny").architecture()).isEqualTo("yolov4-tiny");
        assertThatThrownBy(() -> ModelFamilies.of("yolov9000")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown architecture 'yolov9000' (known: deeplabv3plus, pspnet, unet, yolov3, yolov4, yolov4-tiny, yolov5, yolox)");
        assertThatThrownBy(() -> ModelFamilies.layout("ssd-boxes")).hasMessageContaining("yolo-anchors, yolov5, yolov8, yolox")
                .hasMessageContaining("'ssd-boxes'");
    }

    /** a model.json naming an architecture no family provides is an input fault naming the file and the known ones */
    @Test
    void aModelJsonOfAnUnknownArchitectureIsAnInputFault() {
        String json = "{\"format\": 2, \"architecture\": \"yolov9000\"}";
        assertThatThrownBy(() -> ModelSpec.fromJson(json, "m.zip!/model.json"))
                .isInstanceOf(InputUnusableException.class)
                .hasMessage("m.zip!/model.json: unknown architecture 'yolov9000' (known: deeplabv3plus, pspnet, unet, yolov3, yolov4, yolov4-tiny, yolov5, yolox)");
    }

    /**
     * model.json as sparkdet wrote it before the family seam (format 1: no variant, task, channels
     * or resize) still loads, with their defaults, and the family reads its options from it.
     */
    @Test
    void aFormatOneModelJsonStillLoads() throws Exception {
        String json = """
                {
                  "format" : 1,
                  "architecture" : "yolov4-tiny",
                  "width" : 0.25,
                  "num_classes" : 2,
                  "classes" : [ "cat", "dog" ],
                  "anchors" : [ [ 10.0, 14.0 ], [ 23.0, 27.0 ], [ 37.0, 58.0 ], [ 81.0, 82.0 ], [ 135.0, 169.0 ], [ 344.0, 319.0 ] ],
                  "anchors_mask" : [ [ 3, 4, 5 ], [ 1, 2, 3 ] ],
                  "input_size" : { "height" : 416, "width" : 416 },
                  "normalize" : { "scale" : 0.00392156862745098, "mean" : [ 0.0, 0.0, 0.0 ], "std" : [ 1.0, 1.0, 1.0 ] },
                  "weights" : "weights.pth"
                }
                """;
        ModelSpec spec = ModelSpec.fromJson(json, "old.zip!/model.json");
        assertThat(spec.variant()).isEqualTo("phi0");
        assertThat(spec.task()).isEqualTo(Task.DETECT);
        assertThat(spec.pixels().channels()).isEqualTo(sparkdet.image.PixelFormat.Channels.RGB);
        assertThat(spec.resize()).isEqualTo(sparkdet.transforms.Resize.LETTERBOX);
        assertThat(spec.classes().names()).containsExactly("cat", "dog");
        assertThat(spec.options().summary()).startsWith("width 0.25, anchors [[10.0, 14.0]");
        // written back in the current format, it reads back the same
        ModelSpec again = ModelSpec.fromJson(spec.toJson("weights.pth"), "new");
        assertThat(again.toJson("weights.pth")).isEqualTo(spec.toJson("weights.pth"));
        assertThat(new String(spec.toJson("w").getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8))
                .contains("\"format\" : 2", "\"variant\" : \"phi0\"", "\"task\" : \"detect\"", "\"resize\" : \"letterbox\"");
    }

    @Test
    void aDescriptionTheFamilyCannotBuildIsRefused() {
        ModelSpec ok = TestModels.yolov4Tiny(2, 0.25, 64);
        assertThatThrownBy(() -> new ModelSpec(ok.architecture(), "phi9", ok.task(), ok.classes(), 64, 64, ok.pixels(),
                ok.resize(), ok.options())).hasMessageContaining("no variant 'phi9' (known: phi0, phi1, phi2, phi3, phi4)");
        assertThatThrownBy(() -> new ModelSpec(ok.architecture(), ok.variant(), ok.task(), ok.classes(), 64, 80,
                ok.pixels(), ok.resize(), ok.options())).hasMessageContaining("multiple of the network's stride 32");
        assertThatThrownBy(() -> new ModelSpec(ok.architecture(), ok.variant(), Task.SEGMENT, ok.classes(), 64, 64,
                ok.pixels(), ok.resize(), ok.options())).hasMessageContaining("a detect model, not segment");
    }
}
