package sparkdet.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Conv2dImpl;
import org.bytedeco.pytorch.Conv2dOptions;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

class TorchSmokeTest {
    /**
     * A 3x3 convolution of all-one weights over an all-one 1x2x5x5 input: every output is 18
     * (3*3*2 ones), and the gradient of their sum with respect to the input counts the output
     * windows covering each pixel (1 in a corner, 9 in the middle).
     */
    @Test
    void convolutionForwardAndBackward() {
        Torch.load();
        try (PointerScope scope = new PointerScope()) {
            Conv2dOptions options = new Conv2dOptions(2, 4, new LongPointer(3L, 3L));
            options.bias().put(false);
            Conv2dImpl conv = new Conv2dImpl(options);
            torch.ones_(conv.weight());
            Tensor x = torch.ones(1, 2, 5, 5).requires_grad_(true);
            Tensor y = conv.forward(x);
            assertThat(y.sizes().vec().get()).containsExactly(1, 4, 3, 3);
            assertThat(y.min().item_float()).isEqualTo(18f);
            assertThat(y.max().item_float()).isEqualTo(18f);
            y.sum().backward();
            FloatPointer g = x.grad().contiguous().data_ptr_float();
            assertThat(g.get(0)).isEqualTo(4f);
            assertThat(g.get(2 * 5 + 2)).isEqualTo(36f);
            assertThat(g.get(25 + 2)).isEqualTo(12f);
            assertThat(conv.weight().grad().contiguous().data_ptr_float().get(0)).isEqualTo(9f);
        }
    }
}
