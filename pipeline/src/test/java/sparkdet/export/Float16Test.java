package sparkdet.export;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import sparkdet.model.Torch;

/** --half's rounding is libtorch's float-to-half conversion, bit for bit. */
class Float16Test {
    @Test
    void roundsAsLibtorchDoes() {
        Random random = new Random(7);
        float[] values = new float[20000];
        for (int i = 0; i < values.length; i++) {
            // every float16 range: subnormals (below 6.1e-5), normals, beyond the largest (65504)
            values[i] = (float) (random.nextGaussian() * Math.pow(10, random.nextInt(14) - 9));
        }
        float[] special = {0f, -0f, 65504f, 65520f, -65520f, 1e9f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
            Float.MIN_VALUE, 5.960464477539063e-8f, 2.980232238769531e-8f, 8.940697e-8f, 6.097555e-5f, 1.00048828125f,
            1.00146484375f};
        System.arraycopy(special, 0, values, 0, special.length);
        short[] expected = new short[values.length];
        Torch.load();
        try (PointerScope scope = new PointerScope()) {
            Tensor half = Tensor.create(values, values.length).to(torch.ScalarType.Half);
            half.view(torch.ScalarType.Short).data_ptr_short().get(expected);
        }
        for (int i = 0; i < values.length; i++) {
            assertThat(Float16.of(values[i])).as("%s", values[i]).isEqualTo(expected[i]);
        }
        short nan = Float16.of(Float.NaN);
        assertThat(nan & 0x7C00).as("NaN stays NaN").isEqualTo(0x7C00);
        assertThat(nan & 0x3FF).isNotZero();
    }
}
