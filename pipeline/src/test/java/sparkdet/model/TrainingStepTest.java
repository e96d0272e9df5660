package sparkdet.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Random;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

class TrainingStepTest {
    private static final Targets TARGETS = new Targets(new float[][][] {{{4, 6, 40, 50, 0}},
        {{20, 10, 60, 58, 1}, {2, 2, 20, 12, 0}}});
    private static final ModelSpec SPEC = TestModels.yolov4Tiny(2, 0.25, 64);

    /**
     * One Nesterov SGD step from the same start with and without weight decay: conv weights differ,
     * BN weights and biases agree bit for bit (decay on conv weights only, as in the repository).
     */
    @Test
    void weightDecayAppliesToConvWeightsOnly() {
        try (PointerScope scope = new PointerScope()) {
            float[] images = images(2, 64, 1);
            Map<String, Tensor> decayed = afterOneStep(0.05, images);
            Map<String, Tensor> plain = afterOneStep(0, images);
            assertThat(decayed.get("backbone.conv1.conv.weight").equal(plain.get("backbone.conv1.conv.weight"))).isFalse();
            assertThat(decayed.get("yolo_headP5.1.weight").equal(plain.get("yolo_headP5.1.weight"))).isFalse();
            assertThat(decayed.get("backbone.conv1.bn.weight").equal(plain.get("backbone.conv1.bn.weight"))).isTrue();
            assertThat(decayed.get("yolo_headP5.1.bias").equal(plain.get("yolo_headP5.1.bias"))).isTrue();
        }
    }

    @Test
    void validationChangesNothingAndTrainingLearns() {
        try (PointerScope scope = new PointerScope()) {
            torch.manual_seed(9);
            Network model = SPEC.newNetwork();
            Loss loss = SPEC.newLoss(0);
            TrainingStep step = new TrainingStep(model, loss, TrainingStep.Kind.ADAM, 1e-3, 0.9, 0);
            float[] images = images(2, 64, 2);
            Map<String, Tensor> before = Fixtures.snapshot(model);
            float validation = step.validate(images, 64, 64, TARGETS);
            assertThat(model.is_training()).isFalse();
            Fixtures.snapshot(model).forEach((k, v) -> assertThat(v.equal(before.get(k))).as(k).isTrue());
            float first = step.train(images, 64, 64, TARGETS);
            assertThat(model.is_training()).isTrue();
            assertThat(model.stateDict().get("yolo_headP4.1.weight").equal(before.get("yolo_headP4.1.weight"))).isFalse();
            float later = first;
            for (int i = 0; i < 5; i++) {
                later = step.train(images, 64, 64, TARGETS);
            }
            assertThat(validation).isFinite().isPositive();
            assertThat(later).isLessThan(first);
        }
    }

    @Test
    void aZeroLearningRateLeavesTheParametersAsTheyWere() {
        try (PointerScope scope = new PointerScope()) {
            Network model = SPEC.newNetwork();
            Loss loss = SPEC.newLoss(0);
            TrainingStep step = new TrainingStep(model, loss, TrainingStep.Kind.SGD, 0.1, 0.937, 5e-4);
            step.setLearningRate(0);
            Map<String, Tensor> before = Fixtures.snapshot(model);
            step.train(images(2, 64, 3), 64, 64, TARGETS);
            model.namedParameters().forEach((k, v) -> assertThat(v.equal(before.get(k))).as(k).isTrue());
        }
    }

    @Test
    void imagesOfTheWrongSizeAreAClearError() {
        try (PointerScope scope = new PointerScope()) {
            Network model = SPEC.newNetwork();
            Loss loss = SPEC.newLoss(0);
            TrainingStep step = new TrainingStep(model, loss, TrainingStep.Kind.SGD, 1e-2, 0.937, 5e-4);
            assertThatThrownBy(() -> step.train(new float[10], 64, 64, TARGETS)).hasMessageContaining("10 values for 2 images of 3 x 64 x 64");
        }
    }

    private static Map<String, Tensor> afterOneStep(double weightDecay, float[] images) {
        torch.manual_seed(8);
        Network model = SPEC.newNetwork();
        Loss loss = SPEC.newLoss(0);
        new TrainingStep(model, loss, TrainingStep.Kind.SGD, 0.01, 0.937, weightDecay).train(images, 64, 64, TARGETS);
        return model.stateDict();
    }

    private static float[] images(int n, int size, long seed) {
        Random random = new Random(seed);
        float[] out = new float[n * 3 * size * size];
        for (int i = 0; i < out.length; i++) {
            out[i] = random.nextFloat();
        }
        return out;
    }
}
