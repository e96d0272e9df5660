package sparkdet.models.yolov4tiny;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.assertj.core.data.Offset;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import sparkdet.models.yolo.NetworkChecks;

class YoloV4TinyTest {
    /** the full-width network for COCO has the parameter count the repository's summary.py reports */
    @Test
    void fullWidthHasTheRepositorysParameterCount() {
        try (PointerScope scope = new PointerScope()) {
            YoloV4Tiny model = new YoloV4Tiny(80, 1.0, Attention.NONE);
            long n = model.namedParameters().values().stream().mapToLong(Tensor::numel).sum();
            assertThat(n).isEqualTo(6_056_606L);
            Tensor[] out = model.forward(torch.zeros(1, 3, 416, 416));
            assertThat(out[0].sizes().vec().get()).containsExactly(1, 255, 13, 13);
            assertThat(out[1].sizes().vec().get()).containsExactly(1, 255, 26, 26);
        }
    }

    /**
     * A fresh model starts as the repository's train.py starts one from scratch (weights_init,
     * normal, gain 0.02): every convolution weight N(0, 0.02), batch-norm weights N(1, 0.02) and
     * biases 0. The backbone's own He initialisation learned worse (docs/train.md).
     */
    @Test
    void aFreshModelStartsAsTheRepositorysWeightsInit() {
        try (PointerScope scope = new PointerScope()) {
            // seeded: the first convolution has 216 weights, whose mean strays past 0.002 (1.5 standard
            // errors) in about one draw in eight, depending on what ran before in this JVM
            torch.manual_seed(4);
            YoloV4Tiny model = new YoloV4Tiny(3, 0.25, Attention.NONE);
            Map<String, Tensor> p = model.namedParameters();
            for (String conv : new String[] {"backbone.conv1.conv.weight", "backbone.resblock_body3.conv1.conv.weight",
                "yolo_headP5.0.conv.weight", "yolo_headP4.1.weight"}) {
                assertThat(p.get(conv).std().item_double()).as(conv).isCloseTo(0.02, Offset.offset(0.002));
                assertThat(p.get(conv).mean().item_double()).as(conv).isCloseTo(0, Offset.offset(0.002));
            }
            Tensor bnWeight = p.get("backbone.resblock_body3.conv1.bn.weight");
            assertThat(bnWeight.mean().item_double()).isCloseTo(1, Offset.offset(0.01));
            assertThat(bnWeight.std().item_double()).isCloseTo(0.02, Offset.offset(0.005));
            assertThat(p.get("yolo_headP4.0.bn.bias").abs().max().item_double()).isZero();
        }
    }

    @Test
    void widthScalesEveryChannelCount() {
        try (PointerScope scope = new PointerScope()) {
            Map<String, Tensor> s = new YoloV4Tiny(3, 0.25, Attention.NONE).stateDict();
            assertThat(s.get("backbone.conv1.conv.weight").sizes().vec().get()).containsExactly(8, 3, 3, 3);
            assertThat(s.get("backbone.resblock_body3.conv2.conv.weight").sizes().vec().get()).containsExactly(32, 32, 3, 3);
            assertThat(s.get("backbone.conv3.conv.weight").sizes().vec().get()).containsExactly(128, 128, 3, 3);
            assertThat(s.get("yolo_headP4.0.conv.weight").sizes().vec().get()).containsExactly(64, 96, 3, 3);
        }
    }

    /** the frozen backbone as NetworkChecks#frozenBackboneIsLeftAloneByTheOptimiser checks it */
    @Test
    void frozenBackboneIsLeftAloneByTheOptimiser() {
        try (PointerScope scope = new PointerScope()) {
            torch.manual_seed(3);
            NetworkChecks.frozenBackboneIsLeftAloneByTheOptimiser(new YoloV4Tiny(2, 0.25, Attention.NONE),
                    "backbone.conv1.conv.weight");
        }
    }

    /** folding the batch norms into the convolutions changes eval-mode outputs by rounding only, and not train mode */
    @Test
    void foldedBatchNormsGiveTheSameEvalOutputs() {
        try (PointerScope scope = new PointerScope()) {
            YoloV4Tiny model = new YoloV4Tiny(3, 0.25, Attention.NONE);
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
            model.foldForInference();
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
