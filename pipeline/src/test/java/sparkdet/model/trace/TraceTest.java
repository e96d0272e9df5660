package sparkdet.model.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.function.UnaryOperator;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import sparkdet.model.FreezeGroup;
import sparkdet.model.Network;
import sparkdet.model.Ops;
import sparkdet.model.Torch;

/** What a trace records, and that a forward computing a tensor outside Ops cannot be exported. */
class TraceTest {
    @BeforeAll
    static void loadLibtorch() {
        Torch.load();
    }

    /** a network whose forward is the given function of the images */
    private static final class Forward extends Network {
        private final UnaryOperator<Tensor> body;

        Forward(UnaryOperator<Tensor> body) {
            this.body = body;
        }

        @Override
        public Tensor[] forward(Tensor images) {
            return new Tensor[] {body.apply(images)};
        }

        @Override
        public int numClasses() {
            return 1;
        }

        @Override
        public List<FreezeGroup> freezeGroups() {
            return List.of();
        }

        @Override
        public void foldForInference() {
        }
    }

    @Test
    void recordsEachOperationOnItsInputsAndRenamesWhatAnInPlaceOperationOverwrites() {
        try (Network network = new Forward(x -> {
            Tensor y = Ops.sigmoid(x);
            return Ops.reluInPlace(Ops.addInPlace(Ops.mul(y, x), Ops.narrow(y, 1, 0, 1)));
        })) {
            TracedGraph graph = network.trace(4, 6);
            assertThat(graph.nodes()).extracting(TracedNode::op).containsExactly(Op.SIGMOID, Op.MUL, Op.SLICE, Op.ADD,
                    Op.RELU);
            assertThat(graph.nodes().get(1).inputs()).containsExactly("t0", Trace.INPUT);
            assertThat(graph.nodes().get(3).inputs()).containsExactly("t1", "t2");
            assertThat(graph.nodes().get(4).inputs()).as("the sum, not the product it overwrote").containsExactly("t3");
            assertThat(graph.outputs()).containsExactly("t4");
            assertThat(graph.shape("t2")).containsExactly(1, 1, 4, 6);
            assertThat(graph.constants()).isEmpty();
        }
        assertThat(Trace.active()).as("ended with the trace").isNull();
    }

    @Test
    void aTensorComputedOutsideOpsFailsTheTraceNamingTheOperationThatReadsIt() {
        try (Network network = new Forward(x -> Ops.sigmoid(x.mul(new Scalar(2.0))))) {
            assertThatThrownBy(() -> network.trace(4, 4)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("SIGMOID reads a tensor of shape [1, 3, 4, 4]")
                    .hasMessageContaining("without sparkdet.model.Ops");
        }
        try (Network network = new Forward(x -> Ops.sigmoid(x).mul(new Scalar(2.0)))) {
            assertThatThrownBy(() -> network.trace(4, 4)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("the network's output 0 of shape [1, 3, 4, 4] was computed without");
        }
        try (Network network = new Forward(x -> Ops.view(x, 3, 16))) {
            assertThatThrownBy(() -> network.trace(4, 4)).hasMessageContaining("exports keep the batch as the first");
        }
        assertThat(Trace.active()).as("a failed trace ends too").isNull();
    }

    @Test
    void outsideATraceOpsOnlyComputes() {
        try (Network network = new Forward(x -> Ops.sigmoid(x))) {
            float[] out = network.predict(new float[3 * 4], 1, 2, 2).values()[0];
            assertThat(out).containsOnly(0.5f);
            assertThat(Trace.active()).isNull();
        }
    }
}
