package sparkdet.infer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sparkdet.io.InputUnusableException;
import sparkdet.io.Storage;

/**
 * A sidecar comes with a model file from anyone: it may not read other files of the machine into
 * the labels, nor its environment.
 */
class SidecarTest {
    private static final String YOLOV8 = "layout = yolov8\ninput-size = 64\n";

    @TempDir
    Path tmp;

    @Test
    void theClassesFileStaysBesideTheSidecar() throws Exception {
        Files.createDirectories(tmp.resolve("names"));
        Files.writeString(tmp.resolve("names/classes.txt"), "cat\ndog\n");
        assertThat(read(YOLOV8 + "classes-file = names/classes.txt").spec().classes()).containsExactly("cat", "dog");
        for (String outside : new String[] {"../../../../etc/passwd", "/etc/passwd", "names/../../x.txt",
            "file:///etc/passwd", "..\\\\x.txt"}) {
            assertThatThrownBy(() -> read(YOLOV8 + "classes-file = \"" + outside + "\""))
                    .as(outside).isInstanceOf(InputUnusableException.class)
                    .hasMessageContaining("m.onnx.conf").hasMessageContaining("beside the sidecar");
        }
    }

    @Test
    void theEnvironmentIsNotSubstituted() throws Exception {
        assertThat(System.getenv("HOME")).isNotNull();
        assertThatThrownBy(() -> read(YOLOV8 + "classes = [${HOME}, ${PATH}]"))
                .isInstanceOf(InputUnusableException.class).hasMessageContaining("HOME");
        assertThat(read(YOLOV8 + "base = cat\nclasses = [${base}, dog]").spec().classes())
                .as("substitutions within the file still work").containsExactly("cat", "dog");
    }

    /**
     * layout segmentation decodes every family's logits alike; an architecture it names must be a
     * segmentation family, with options that family takes
     */
    @Test
    void aSegmentationSidecarNamingAnArchitectureNamesASegmentationFamily() throws Exception {
        String segmentation = "layout = segmentation\nclasses = [background, cat]\n";
        Sidecar.Described plain = read(segmentation);
        assertThat(plain.spec().task()).isEqualTo(sparkdet.model.Task.SEGMENT);
        assertThat(plain.spec().masks().classes()).isEqualTo(2);
        assertThat(plain.spec().inputSize()).as("from the model").isEqualTo(64);
        assertThat(plain.modelSpec().architecture()).as("the layout's first family, for a .pth")
                .isEqualTo("deeplabv3plus");
        Sidecar.Described unet = read(segmentation + "architecture = unet\nwidth = 0.0625");
        assertThat(unet.spec().task()).isEqualTo(sparkdet.model.Task.SEGMENT);
        assertThat(unet.modelSpec().architecture()).isEqualTo("unet");
        assertThat(unet.modelSpec().variant()).isEqualTo("vgg");
        assertThatThrownBy(() -> read(segmentation + "architecture = yolov4"))
                .isInstanceOf(InputUnusableException.class).hasMessageContaining("m.onnx.conf")
                .hasMessageContaining("yolov4 exports have layout yolo-anchors, not segmentation");
        assertThatThrownBy(() -> read(segmentation + "architecture = pspnet\ndownsample-factor = 4"))
                .isInstanceOf(InputUnusableException.class).hasMessageContaining("downsample-factor: 8 or 16");
    }

    private Sidecar.Described read(String text) throws Exception {
        Files.writeString(tmp.resolve("m.onnx.conf"), text);
        return Sidecar.read(new Storage(new Configuration()), Storage.path(tmp.resolve("m.onnx").toString()), 64);
    }
}
