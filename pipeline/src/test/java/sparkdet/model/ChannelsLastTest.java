package sparkdet.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.util.Random;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

/**
 * Network.moveTo puts the convolution weights and the inputs in channels-last memory on the CPU
 * (oneDNN's fast path): the outputs stay those of the NCHW network, and so do the saved weights,
 * byte for byte.
 */
class ChannelsLastTest {
    @Test
    void channelsLastChangesStridesNotValues() throws Exception {
        ModelSpec spec = TestModels.yolov4Tiny(3, 0.25, 64);
        Network plain = spec.newNetwork();
        Network moved = spec.newNetwork();
        ByteArrayOutputStream weights = new ByteArrayOutputStream();
        Weights.save(plain, weights);
        Weights.load(moved, weights.toByteArray(), "plain", ModelFiles.MAX_BYTES_CEILING);
        moved.moveTo(new Device(torch.DeviceType.CPU));

        Tensor conv = moved.namedParameters().values().stream().filter(t -> t.dim() == 4).findFirst().orElseThrow();
        assertThat(conv.is_contiguous(torch.MemoryFormat.ChannelsLast)).isTrue();
        float[] images = new float[2 * 3 * 64 * 64];
        Random random = new Random(1);
        for (int i = 0; i < images.length; i++) {
            images[i] = random.nextFloat();
        }
        assertThat(moved.input(images, 2, 64, 64).is_contiguous(torch.MemoryFormat.ChannelsLast)).isTrue();
        RawOutputs a = plain.predict(images, 2, 64, 64);
        RawOutputs b = moved.predict(images, 2, 64, 64);
        for (int o = 0; o < a.values().length; o++) {
            assertThat(b.shapes()[o]).containsExactly(a.shapes()[o]);
            assertThat(b.values()[o]).containsExactly(a.values()[o], org.assertj.core.api.Assertions.within(1e-4f));
        }
        ByteArrayOutputStream again = new ByteArrayOutputStream();
        Weights.save(moved, again);
        assertThat(again.toByteArray()).isEqualTo(weights.toByteArray());
    }
}
