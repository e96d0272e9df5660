package sparkdet.models.yolov4;

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
import sparkdet.model.ModelSpec;
import sparkdet.models.yolo.AnchorOptions;

/** the family as the registry and a .pth sidecar find it */
class YoloV4FamilyTest {
    @TempDir
    Path tmp;

    @Test
    void isRegisteredWithTheRepositorysAnchorsAndMask() {
        assertThat(ModelFamilies.of("yolov4")).isInstanceOf(YoloV4Family.class);
        YoloV4Family family = new YoloV4Family();
        assertThat(family.variants()).containsExactly("cspdarknet53");
        assertThat(family.inputMultiple()).isEqualTo(32);
        assertThat(family.sidecarLayout()).isEqualTo("yolo-anchors");
        assertThat(family.ownsSharedLayout()).isFalse();
        AnchorOptions o = family.defaultOptions(1.0);
        // model_data/yolo_anchors.txt of yolov4-pytorch, not YOLOv3's
        assertThat(o.anchors()).hasNumberOfRows(9);
        assertThat(o.anchors()[0]).containsExactly(12, 16);
        assertThat(o.anchors()[8]).containsExactly(459, 401);
        assertThat(o.anchorsMask()).isDeepEqualTo(new int[][] {{6, 7, 8}, {3, 4, 5}, {0, 1, 2}});
    }

    /**
     * The yolo-anchors layout is shared, and a sidecar naming only the layout means YOLOv4-tiny: a
     * YOLOv4 .pth's sidecar names the architecture, and its nine anchors get the repositories' mask.
     */
    @Test
    void aPthSidecarNamesTheArchitectureWhereTheLayoutIsShared() throws Exception {
        String common = "layout = yolo-anchors\ninput-size = 416\nclasses = [a, b, c]\n"
                + "anchors = [12,16, 19,36, 40,28, 36,75, 76,55, 72,146, 142,110, 192,243, 459,401]\n";
        ModelSpec spec = read(common + "architecture = yolov4\n").modelSpec();
        assertThat(spec.architecture()).isEqualTo("yolov4");
        assertThat(spec.variant()).isEqualTo("cspdarknet53");
        AnchorOptions o = (AnchorOptions) spec.options();
        assertThat(o.width()).isEqualTo(1.0);
        assertThat(o.anchors()[6]).containsExactly(142, 110);
        assertThat(o.anchorsMask()).isDeepEqualTo(new int[][] {{6, 7, 8}, {3, 4, 5}, {0, 1, 2}});
        assertThatThrownBy(() -> read(common).modelSpec()).isInstanceOf(InputUnusableException.class)
                .hasMessageContaining("yolov4-tiny has 2 outputs");
    }

    private Sidecar.Described read(String text) throws Exception {
        Files.writeString(tmp.resolve("m.pth.conf"), text);
        return Sidecar.read(new Storage(new Configuration()), Storage.path(tmp.resolve("m.pth").toString()), -1);
    }
}
