package sparkdet.models.yolov5;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The variants' sizes as nets/yolo.py derives them from phi; no libtorch needed. */
class YoloV5VariantTest {
    @Test
    void baseChannelsAndDepthAreTheReferences() {
        // base_channels = int(wid_mul * 64), base_depth = max(round(dep_mul * 3), 1)
        assertThat(YoloV5Variant.S.baseChannels(1)).isEqualTo(32);
        assertThat(YoloV5Variant.M.baseChannels(1)).isEqualTo(48);
        assertThat(YoloV5Variant.L.baseChannels(1)).isEqualTo(64);
        assertThat(YoloV5Variant.X.baseChannels(1)).isEqualTo(80);
        assertThat(YoloV5Variant.N.baseChannels(1)).isEqualTo(16);
        assertThat(YoloV5Variant.S.baseDepth()).isEqualTo(1);
        assertThat(YoloV5Variant.M.baseDepth()).isEqualTo(2);
        assertThat(YoloV5Variant.L.baseDepth()).isEqualTo(3);
        assertThat(YoloV5Variant.X.baseDepth()).isEqualTo(4);
        assertThat(YoloV5Variant.N.baseDepth()).isEqualTo(1);
    }

    @Test
    void extraWidthScalesToMultiplesOfEightAtLeastEight() {
        assertThat(YoloV5Variant.S.baseChannels(0.25)).isEqualTo(8);
        assertThat(YoloV5Variant.S.baseChannels(0.5)).isEqualTo(16);
        assertThat(YoloV5Variant.N.baseChannels(0.25)).isEqualTo(8);
        assertThat(YoloV5Variant.X.baseChannels(0.5)).isEqualTo(40);
        assertThat(YoloV5Variant.M.baseChannels(0.25)).isEqualTo(16); // 12 rounds half to even: 1.5 -> 2
        assertThatThrownBy(() -> YoloV5Variant.S.baseChannels(0)).hasMessageContaining("(0, 4]");
    }

    @Test
    void phiNamesTheVariant() {
        assertThat(YoloV5Variant.of(" S ")).isEqualTo(YoloV5Variant.S);
        assertThat(YoloV5Variant.X.phi()).isEqualTo("x");
        assertThatThrownBy(() -> YoloV5Variant.of("tiny")).hasMessageContaining("n, s, m, l, x");
    }
}
