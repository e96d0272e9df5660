package sparkdet.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.SGD;
import org.bytedeco.pytorch.SGDOptions;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

class YoloV4TinyTest {
    /** the full-width network for COCO has the parameter count the repository's summary.py reports */
    @Test
    void fullWidthHasTheRepositorysParameterCount() {
        try (PointerScope scope = new PointerScope()) {
            YoloV4Tiny model = new YoloV4Tiny(80, 1.0);
            long n = model.namedParameters().values().stream().mapToLong(Tensor::numel).sum();
            assertThat(n).isEqualTo(6_056_606L);
            Tensor[] out = model.forward(torch.zeros(1, 3, 416, 416));
            assertThat(out[0].sizes().vec().get()).containsExactly(1, 255, 13, 13);
            assertThat(out[1].sizes().vec().get()).containsExactly(1, 255, 26, 26);
        }
    }

    /**
     * A fresh model expects few objects: its output biases start at the priors (objectness about 8
     * objects per 640 x 640 picture, each class 0.6 / classes), not at the framework's near-zero
     * biases, which would call every cell half an object.
     */
    @Test
    void aFreshModelStartsAtThePriors() {
        try (PointerScope scope = new PointerScope()) {
            int classes = 3;
            YoloV4Tiny model = new YoloV4Tiny(classes, 0.25);
            Map<String, Tensor> s = model.stateDict();
            float[] p5 = values(s.get("yolo_headP5.1.bias"));
            float[] p4 = values(s.get("yolo_headP4.1.bias"));
            for (int a = 0; a < 3; a++) {
                int at = a * (5 + classes);
                assertThat(p5[at + 4]).isCloseTo((float) Math.log(8.0 / 400), org.assertj.core.data.Offset.offset(1e-6f));
                assertThat(p4[at + 4]).isCloseTo((float) Math.log(8.0 / 1600), org.assertj.core.data.Offset.offset(1e-6f));
                for (int c = 0; c < classes; c++) {
                    assertThat(p4[at + 5 + c]).isCloseTo((float) Math.log(0.6 / 2.01), org.assertj.core.data.Offset.offset(1e-6f));
                }
                assertThat(p5[at]).isZero();
            }
            model.eval();
            Tensor[] out = model.forward(torch.rand(2, 3, 64, 64));
            Tensor objectness = out[1].view(2, 3, 5 + classes, 4, 4).select(2, 4).sigmoid();
            assertThat(objectness.mean().item_float()).isLessThan(0.1f);
        }
    }

    private static float[] values(Tensor t) {
        Tensor c = t.detach().contiguous();
        float[] v = new float[(int) c.numel()];
        c.data_ptr_float().get(v);
        return v;
    }

    @Test
    void widthScalesEveryChannelCount() {
        try (PointerScope scope = new PointerScope()) {
            Map<String, Tensor> s = new YoloV4Tiny(3, 0.25).stateDict();
            assertThat(s.get("backbone.conv1.conv.weight").sizes().vec().get()).containsExactly(8, 3, 3, 3);
            assertThat(s.get("backbone.resblock_body3.conv2.conv.weight").sizes().vec().get()).containsExactly(32, 32, 3, 3);
            assertThat(s.get("backbone.conv3.conv.weight").sizes().vec().get()).containsExactly(128, 128, 3, 3);
            assertThat(s.get("yolo_headP4.0.conv.weight").sizes().vec().get()).containsExactly(64, 96, 3, 3);
        }
    }

    /**
     * A frozen backbone gets no gradients and an SGD step leaves its weights bit-identical while
     * the heads move; its BN running statistics still update in train mode, as in the repository.
     * Unfreezing brings the gradients back.
     */
    @Test
    void frozenBackboneIsLeftAloneByTheOptimiser() {
        try (PointerScope scope = new PointerScope()) {
            torch.manual_seed(3);
            YoloV4Tiny model = new YoloV4Tiny(2, 0.25);
            model.setBackboneFrozen(true);
            Map<String, Tensor> before = Fixtures.snapshot(model);
            SGD sgd = new SGD(new TensorVector(model.namedParameters().values().toArray(new Tensor[0])), new SGDOptions(0.1));
            Tensor[] out = model.forward(torch.rand(2, 3, 64, 64));
            out[0].pow(new org.bytedeco.pytorch.Scalar(2)).mean().add(out[1].pow(new org.bytedeco.pytorch.Scalar(2)).mean()).backward();
            Map<String, Tensor> params = model.namedParameters();
            params.forEach((name, p) -> assertThat(p.grad().defined()).as(name).isEqualTo(!name.startsWith("backbone.")));
            sgd.step();
            Map<String, Tensor> after = model.stateDict();
            params.keySet().forEach(name -> assertThat(after.get(name).equal(before.get(name))).as(name)
                    .isEqualTo(name.startsWith("backbone.")));
            assertThat(after.get("backbone.conv1.bn.running_mean").equal(before.get("backbone.conv1.bn.running_mean"))).isFalse();

            model.setBackboneFrozen(false);
            sgd.zero_grad();
            model.forward(torch.rand(1, 3, 64, 64))[0].sum().backward();
            assertThat(params.get("backbone.conv1.conv.weight").grad().defined()).isTrue();
        }
    }

    /** folding the batch norms into the convolutions changes eval-mode outputs by rounding only, and not train mode */
    @Test
    void foldedBatchNormsGiveTheSameEvalOutputs() {
        try (PointerScope scope = new PointerScope()) {
            YoloV4Tiny model = new YoloV4Tiny(3, 0.25);
            torch.manual_seed(3);
            try (var noGrad = new org.bytedeco.pytorch.NoGradGuard()) {
                for (Map.Entry<String, Tensor> e : model.stateDict().entrySet()) {
                    String name = e.getKey();
                    if (name.endsWith("running_mean") || name.endsWith("bn.bias")) {
                        e.getValue().copy_(torch.randn(e.getValue().size(0)).mul(new org.bytedeco.pytorch.Scalar(0.3)));
                    } else if (name.endsWith("running_var") || name.endsWith("bn.weight")) {
                        e.getValue().copy_(torch.rand(e.getValue().size(0)).add(new org.bytedeco.pytorch.Scalar(0.5)));
                    }
                }
            }
            model.eval();
            Tensor x = torch.rand(2, 3, 64, 64);
            Tensor[] plain = model.forward(x);
            model.fuseBatchNorm();
            Tensor[] fused = model.forward(x);
            for (int i = 0; i < 2; i++) {
                double scale = plain[i].abs().max().item_double();
                assertThat(plain[i].sub(fused[i]).abs().max().item_double()).isLessThan(1e-5 * Math.max(1, scale));
                assertThat(scale).isGreaterThan(0.1);
            }
            model.train(true);
            Tensor[] training = model.forward(x);
            assertThat(training[0].sub(plain[0]).abs().max().item_double()).as("train mode: batch statistics, unfused")
                    .isGreaterThan(1e-3);
        }
    }
}
