package sparkdet.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.AdamOptions;
import org.bytedeco.pytorch.Optimizer;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The optimiser production builds (TrainingStep.optimizer, which the trainer uses) against
 * torch.optim.Adam on the same numbers (scripts/make_adam_fixture.py). Guards the swapped betas:
 * libtorch's Adam options hold them in a std::tuple whose memory order is the reverse of its
 * declaration under libstdc++, and every Adam run trained with (0.999, 0.9) until this was found.
 */
class AdamPyTorchParityTest {
    private static final String FIXTURE = "adam_steps.pt";
    private static final int STEPS = 6;

    @Test
    void betasAreWrittenAndReadAsLibtorchUsesThem() {
        try (PointerScope scope = new PointerScope()) {
            Torch.load();
            assertThat(TrainingStep.betas(new AdamOptions(1e-3))).containsExactly(0.9, 0.999);
            AdamOptions options = new AdamOptions(1e-3);
            TrainingStep.setBetas(options, 0.5, 0.75);
            assertThat(TrainingStep.betas(options)).containsExactly(0.5, 0.75);
        }
    }

    @Test
    void sixAdamStepsOnFixedGradientsEqualPyTorchs() throws Exception {
        try (PointerScope scope = new PointerScope()) {
            Torch.load();
            Map<String, Tensor> f = Fixtures.tensors(FIXTURE);
            Tensor weight = f.get("weight").clone().requires_grad_(true);
            Tensor bias = f.get("bias").clone().requires_grad_(true);
            // a 4-d weight decays, a bias does not: the repository's two groups
            Optimizer adam = TrainingStep.optimizer(List.of(weight, bias), TrainingStep.Kind.ADAM, 1e-3, 0.9, false, 5e-4);
            for (int k = 1; k <= STEPS; k++) {
                adam.zero_grad();
                weight.mul(f.get("grad_weight." + k)).sum().add(bias.mul(f.get("grad_bias." + k)).sum()).backward();
                adam.step();
                double dw = weight.detach().sub(f.get("weight." + k)).abs().max().item_double();
                double db = bias.detach().sub(f.get("bias." + k)).abs().max().item_double();
                assertThat(dw).as("weight after step %d", k).isLessThan(1e-6);
                assertThat(db).as("bias after step %d", k).isLessThan(1e-6);
            }
        }
    }
}
