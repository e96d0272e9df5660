package sparkdet.models.segmentation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import sparkdet.model.Fixtures;
import sparkdet.model.Torch;

/**
 * The loss, its totals and its gradients against the references' CE_Loss, Focal_Loss, Dice_loss,
 * dataloader and fit_one_epoch (scripts/make_segmentation_loss_fixture.py, checked there against
 * unet-pytorch's, deeplabv3-plus-pytorch's and pspnet-pytorch's own): 3 classes, two 8 x 8 masks
 * holding 255, 3 and 7 (ignored), float32 logits as the references train.
 */
class SegmentationLossPyTorchParityTest {
    private static final int CLASSES = 3;
    private static final String FIXTURE = "segmentation_loss.pt";

    @BeforeAll
    static void loadTorch() {
        Torch.load();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        // case, focal, dice, weighted, logits, with the aux output
        "ce, false, false, false, logits, false",
        "ce_weighted, false, false, true, logits, false",
        "focal, true, false, false, logits, false",
        "focal_weighted, true, false, true, logits, false",
        "ce_dice, false, true, false, logits, false",
        "focal_dice_weighted, true, true, true, logits, false",
        "ce_dice_resized, false, true, false, logits_small, false",
        "aux_ce_dice_weighted, false, true, true, logits, true",
        "aux_focal, true, false, false, logits, true",
    })
    void totalAndGradientsEqualTheReferences(String name, boolean focal, boolean dice, boolean weighted, String logits,
            boolean withAux) throws Exception {
        try (PointerScope scope = new PointerScope()) {
            Map<String, Tensor> io = Fixtures.tensors(FIXTURE);
            float[] weights = weighted ? floats(io.get("class_weights")) : new float[] {1, 1, 1};
            SegmentationLoss loss = new SegmentationLoss(CLASSES, focal, dice, weights);
            Tensor main = io.get(logits).clone().requires_grad_(true);
            Tensor aux = io.get("aux").clone().requires_grad_(true);
            Tensor total = loss.compute(withAux ? new Tensor[] {main, aux} : new Tensor[] {main}, io.get("labels"));
            double expected = io.get(name + ".loss").item_double();
            System.out.printf("%s: Java %.8f, PyTorch %.8f%n", name, total.item_double(), expected);
            assertThat(Math.abs(total.item_double() - expected)).isLessThan(1e-4);
            total.backward();
            assertGradient(name, main.grad(), io.get(name + ".grad"));
            if (withAux) {
                assertGradient(name + " aux", aux.grad(), io.get(name + ".grad_aux"));
            }
        }
    }

    @Test
    void segLabelsAreTheLoadersOneHotWithTheIgnoreChannel() throws Exception {
        try (PointerScope scope = new PointerScope()) {
            Map<String, Tensor> io = Fixtures.tensors(FIXTURE);
            Tensor labels = io.get("labels");
            Tensor pngs = SegmentationLoss.loaderLabels(labels, CLASSES);
            assertThat(pngs.scalar_type().value).isEqualTo(ScalarType.Long.value);
            assertThat(pngs.get(0).get(0).get(0).item_long()).as("255").isEqualTo(3);
            assertThat(pngs.get(1).get(5).get(5).item_long()).as("3").isEqualTo(3);
            assertThat(pngs.get(1).get(6).get(1).item_long()).as("7").isEqualTo(3);
            // all but the 255s and 7s unchanged (3 is the ignore index already)
            assertThat(pngs.eq(labels.toType(ScalarType.Long)).sum().item_long()).isEqualTo(128 - 8 - 3 - 3);
            Tensor segLabels = SegmentationLoss.segLabels(labels, CLASSES);
            assertThat(segLabels.sizes().vec().get()).containsExactly(2, 8, 8, 4);
            assertThat(segLabels.equal(io.get("seg_labels"))).isTrue();
        }
    }

    /** where the references fail (one side differs), the logits are resized to the labels as when both do */
    @Test
    void logitsDifferingInOneSideAreResizedToo() throws Exception {
        try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
            Map<String, Tensor> io = Fixtures.tensors(FIXTURE);
            Tensor narrow = io.get("logits").narrow(3, 0, 5);
            Tensor resized = torch.upsample_bilinear2d(narrow, new long[] {8, 8}, true);
            SegmentationLoss loss = new SegmentationLoss(CLASSES, false, true, new float[] {1, 1, 1});
            assertThat(loss.compute(new Tensor[] {narrow}, io.get("labels")).item_double())
                    .isEqualTo(loss.compute(new Tensor[] {resized}, io.get("labels")).item_double());
        }
    }

    @Test
    void refusesOtherOutputCountsLabelShapesAndWeights() throws Exception {
        try (PointerScope scope = new PointerScope()) {
            Map<String, Tensor> io = Fixtures.tensors(FIXTURE);
            Tensor logits = io.get("logits");
            SegmentationLoss loss = SegmentationLoss.crossEntropy(CLASSES);
            assertThat(loss.ignoreIndex()).isEqualTo(CLASSES);
            assertThatThrownBy(() -> loss.compute(new Tensor[] {logits, logits, logits}, io.get("labels")))
                    .hasMessageContaining("got 3 outputs");
            assertThatThrownBy(() -> loss.compute(new Tensor[] {logits}, io.get("labels").get(0)))
                    .hasMessage("labels must be [N, H, W], got [8, 8]");
            assertThatThrownBy(() -> loss.compute(new Tensor[] {logits.narrow(0, 0, 1)}, io.get("labels")))
                    .hasMessage("logits of 1 images for labels of 2");
            assertThatThrownBy(() -> new SegmentationLoss(CLASSES, false, false, new float[] {1, 1}))
                    .hasMessage("2 class weights for 3 classes");
            assertThatThrownBy(() -> new SegmentationLoss(CLASSES, false, false, new float[] {1, Float.NaN, 1}))
                    .hasMessageContaining("finite and not negative");
        }
    }

    /**
     * element by element, times the pixel count: each output's loss is a mean over the batch's pixels,
     * so a gradient element is of the order 1 / pixels and, so scaled, of the order 1
     */
    private static void assertGradient(String what, Tensor actual, Tensor expected) {
        long pixels = 2 * 8 * 8;
        double difference = actual.sub(expected).abs().max().item_double() * pixels;
        System.out.printf("  %s gradient: max |Java - PyTorch| x pixels %.3g (largest element x pixels %.3g)%n", what,
                difference, expected.abs().max().item_double() * pixels);
        assertThat(difference).as(what).isLessThan(1e-4);
    }

    private static float[] floats(Tensor t) {
        Tensor c = t.contiguous();
        float[] out = new float[(int) c.numel()];
        c.data_ptr_float().get(out);
        return out;
    }
}
