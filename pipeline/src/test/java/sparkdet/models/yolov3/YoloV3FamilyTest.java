package sparkdet.models.yolov3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sparkdet.infer.Sidecar;
import sparkdet.io.InputUnusableException;
import sparkdet.io.Storage;
import sparkdet.model.ModelFamilies;
import sparkdet.model.ModelFamily;
import sparkdet.model.ModelSpec;
import sparkdet.models.yolo.AnchorOptions;

/** the family as the registry and a .pth sidecar find it */
class YoloV3FamilyTest {
    private static final String ANCHORS = "anchors = [10,13, 16,30, 33,23, 30,61, 62,45, 59,119, 116,90, 156,198, 373,326]\n";

    @TempDir
    Path tmp;

    @Test
    void isRegisteredWithTheReferencesDefaults() {
        ModelFamily family = ModelFamilies.of("yolov3");
        assertThat(family).isInstanceOf(YoloV3Family.class);
        assertThat(family.variants()).containsExactly("darknet53");
        assertThat(family.inputMultiple()).isEqualTo(32);
        assertThat(family.sidecarLayout()).isEqualTo("yolo-anchors");
        AnchorOptions o = new YoloV3Family().defaultOptions(1.0);
        assertThat(o.anchors()).hasNumberOfRows(9);
        assertThat(o.anchors()[8]).containsExactly(373, 326);
        assertThat(o.anchorsMask()).isDeepEqualTo(new int[][] {{6, 7, 8}, {3, 4, 5}, {0, 1, 2}});
    }

    /**
     * YOLOv3 shares the yolo-anchors layout with YOLOv4-tiny: a sidecar naming only the layout keeps
     * meaning YOLOv4-tiny (files written before YOLOv3 existed), so a YOLOv3 .pth's names architecture
     */
    @Test
    void aPthSidecarNamesTheArchitectureWhereTheLayoutIsShared() throws Exception {
        assertThat(ModelFamilies.ofLayout("yolo-anchors").architecture()).isEqualTo("yolov4-tiny");
        String common = "layout = yolo-anchors\ninput-size = 416\nclasses = [a, b, c]\n" + ANCHORS;
        ModelSpec spec = read(common + "architecture = yolov3\nwidth = 0.5\n").modelSpec();
        assertThat(spec.architecture()).isEqualTo("yolov3");
        assertThat(spec.variant()).isEqualTo("darknet53");
        assertThat(((AnchorOptions) spec.options()).width()).isEqualTo(0.5);
        assertThat(((AnchorOptions) spec.options()).anchorsMask()).hasNumberOfRows(3);
        assertThatThrownBy(() -> read(common).modelSpec()).isInstanceOf(InputUnusableException.class)
                .hasMessageContaining("yolov4-tiny has 2 outputs");
    }

    private Sidecar.Described read(String text) throws Exception {
        Files.writeString(tmp.resolve("m.pth.conf"), text);
        return Sidecar.read(new Storage(new Configuration()), Storage.path(tmp.resolve("m.pth").toString()), -1);
    }
}
