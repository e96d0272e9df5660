package sparkdet.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import sparkdet.model.ModelSpec;
import sparkdet.model.Network;
import sparkdet.model.TestModels;
import sparkdet.model.Torch;

/** The average follows ModelEMA's formula, and leaves integer buffers and the weights alone. */
class WeightAverageTest {
    @Test
    void eachUpdateMixesTheWeightsInWithTheRampedDecay() {
        Torch.load();
        ModelSpec spec = TestModels.yolov4Tiny(2, 0.25, 64);
        Network model = spec.newNetwork();
        WeightAverage average = new WeightAverage(spec, model, new Recipe.WeightAveraging(true, 0.9999, 2000), 0);
        Map<String, Tensor> start = snapshot(model);
        // the weights move by one after the first step and by one more after the second
        for (int update = 1; update <= 2; update++) {
            try (NoGradGuard g = new NoGradGuard()) {
                model.stateDict().values().stream().filter(Tensor::is_floating_point)
                        .forEach(t -> t.add_(new Scalar(1.0)));
            }
            average.update(model);
        }
        double d1 = 0.9999 * (1 - Math.exp(-1 / 2000.0));
        double d2 = 0.9999 * (1 - Math.exp(-2 / 2000.0));
        // after one: w0 + (1 - d1); after two: d2 * (w0 + 1 - d1) + (1 - d2) * (w0 + 2)
        double shift = d2 * (1 - d1) + (1 - d2) * 2;
        assertThat(average.updates()).isEqualTo(2);
        Map<String, Tensor> averaged = average.network().stateDict();
        int checked = 0;
        for (var e : start.entrySet()) {
            Tensor a = averaged.get(e.getKey());
            if (a.is_floating_point()) {
                double diff = a.sub(e.getValue()).sub(new Scalar(shift)).abs().max().item_double();
                assertThat(diff).as(e.getKey()).isLessThan(1e-5);
                checked++;
            } else {
                assertThat(a.equal(e.getValue())).as("%s untouched", e.getKey()).isTrue();
            }
        }
        assertThat(checked).isGreaterThan(10);
        double moved = model.stateDict().values().iterator().next().sub(start.values().iterator().next())
                .abs().max().item_double();
        assertThat(moved).as("the weights themselves").isEqualTo(2.0, org.assertj.core.api.Assertions.offset(1e-5));
    }

    private static Map<String, Tensor> snapshot(Network n) {
        Map<String, Tensor> out = new java.util.LinkedHashMap<>();
        n.stateDict().forEach((k, v) -> out.put(k, v.detach().clone()));
        return out;
    }
}
