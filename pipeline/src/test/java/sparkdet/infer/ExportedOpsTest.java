package sparkdet.infer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.pytorch.BatchNorm2dImpl;
import org.bytedeco.pytorch.BatchNormOptions;
import org.bytedeco.pytorch.Conv1dImpl;
import org.bytedeco.pytorch.Conv1dOptions;
import org.bytedeco.pytorch.Conv2dImpl;
import org.bytedeco.pytorch.Conv2dOptions;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.DropoutImpl;
import org.bytedeco.pytorch.LeakyReLUImpl;
import org.bytedeco.pytorch.LeakyReLUOptions;
import org.bytedeco.pytorch.LinearImpl;
import org.bytedeco.pytorch.LinearOptions;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sparkdet.export.OnnxWriter;
import sparkdet.export.TorchScriptWriter;
import sparkdet.model.FreezeGroup;
import sparkdet.model.Network;
import sparkdet.model.Ops;
import sparkdet.model.RawOutputs;
import sparkdet.model.Torch;
import sparkdet.model.trace.Op;
import sparkdet.model.trace.TracedGraph;
import sparkdet.model.trace.TracedNode;

/**
 * Every operation Ops records, in the forms no family uses yet too (bilinear resizing without
 * aligned corners, nearest resizing by 3/2, adaptive pooling of 7 cells to 3, max pooling with
 * padding and ceil, a batch norm left unfolded, a dropout), traced on one image and written both
 * ways: ONNX Runtime and libtorch's TorchScript compute what libtorch computes eagerly, for a batch
 * of two.
 */
class ExportedOpsTest {
    private static final int HEIGHT = 14;
    private static final int WIDTH = 12;

    /** a network of every operation, two outputs */
    private static final class EveryOp extends Network {
        private final Conv2dImpl conv;
        private final Conv2dImpl grouped;
        private final Conv1dImpl conv1d;
        private final LinearImpl linear;
        private final BatchNorm2dImpl bn;
        private final LeakyReLUImpl leaky;
        private final DropoutImpl dropout;

        EveryOp() {
            Conv2dOptions c = new Conv2dOptions(3, 8, new LongPointer(3L, 3L));
            c.padding().put(new LongPointer(2L, 2L));
            c.dilation().put(0, 2).put(1, 2);
            conv = register_module("conv", new Conv2dImpl(c));
            Conv2dOptions g = new Conv2dOptions(8, 8, new LongPointer(3L, 3L));
            g.stride().put(0, 2).put(1, 2);
            g.padding().put(new LongPointer(1L, 1L));
            g.groups().put(4);
            g.bias().put(false);
            grouped = register_module("grouped", new Conv2dImpl(g));
            Conv1dOptions one = new Conv1dOptions(1, 1, new LongPointer(1).put(3L));
            one.padding().put(new LongPointer(1).put(1L));
            conv1d = register_module("conv1d", new Conv1dImpl(one));
            linear = register_module("linear", new LinearImpl(new LinearOptions(8, 5)));
            bn = register_module("bn", new BatchNorm2dImpl(new BatchNormOptions(8)));
            LeakyReLUOptions slope = new LeakyReLUOptions();
            slope.negative_slope().put(0.2);
            leaky = register_module("leaky", new LeakyReLUImpl(slope));
            dropout = register_module("dropout", new DropoutImpl(0.5));
        }

        @Override
        public Tensor[] forward(Tensor x) {
            long n = x.size(0);
            Tensor a = Ops.leakyRelu(leaky, Ops.batchNorm(bn, Ops.conv(conv, x)));
            Tensor b = Ops.mish(Ops.conv(grouped, a));
            Tensor pooled = Ops.maxPool2d(Ops.silu(b), 3, 2, 1, true);
            Tensor[] halves = Ops.split(a, 1, 3, 5);
            Tensor joined = Ops.cat(1, Ops.relu6(halves[1]),
                    Ops.upsampleNearest(Ops.every(halves[0], 2, 1, 2), HEIGHT, WIDTH));
            Tensor channels = Ops.view(Ops.meanKeep(joined, 2, 3), n, 8);
            Tensor scores = Ops.sigmoid(Ops.linear(linear, Ops.relu(channels)));
            Tensor seq = Ops.conv(conv1d, Ops.view(Ops.amaxKeep(joined, 2, 3), n, 1, 8));
            Tensor weights = Ops.view(Ops.add(seq, Ops.view(channels, n, 1, 8)), n, 8, 1, 1);
            Tensor mixed = Ops.mul(Ops.dropout(dropout, joined), Ops.sigmoid(weights));
            Tensor grid = Ops.adaptiveAvgPool2d(Ops.narrow(mixed, 2, 0, 7), 3);
            Tensor smooth = Ops.upsampleBilinear(grid, 9, 9, false);
            Tensor aligned = Ops.upsampleBilinear(Ops.permute(Ops.upsampleNearest(pooled, 6, 6), 0, 1, 3, 2), 9, 9,
                    true);
            return new Tensor[] {Ops.add(smooth, aligned), scores};
        }

        @Override
        public int numClasses() {
            return 5;
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
    void onnxAndTorchScriptComputeWhatLibtorchComputes(@TempDir Path dir) throws Exception {
        Torch.load();
        torch.manual_seed(3);
        Random random = new Random(5);
        float[] images = new float[2 * 3 * HEIGHT * WIDTH];
        for (int i = 0; i < images.length; i++) {
            images[i] = (float) random.nextGaussian();
        }
        try (EveryOp network = new EveryOp()) {
            try (NoGradGuard noGrad = new NoGradGuard()) {
                network.stateDict().forEach((name, t) -> {
                    if (name.startsWith("bn.running_var") || name.equals("bn.weight")) {
                        t.uniform_(0.5, 1.5, new org.bytedeco.pytorch.GeneratorOptional());
                    } else if (name.startsWith("bn.running_mean") || name.equals("bn.bias")) {
                        t.normal_(0, 0.3, new org.bytedeco.pytorch.GeneratorOptional());
                    }
                });
            }
            TracedGraph graph = network.trace(HEIGHT, WIDTH);
            assertThat(graph.nodes().stream().map(TracedNode::op).distinct()).as("every operation")
                    .containsExactlyInAnyOrder(Op.values());
            RawOutputs expected = network.predict(images, 2, HEIGHT, WIDTH);
            assertThat(expected.shapes()[0]).containsExactly(2, 8, 9, 9);

            Path script = dir.resolve("ops.pt");
            Files.write(script, TorchScriptWriter.write(graph));
            try (OnnxRunner onnx = new OnnxRunner(OnnxWriter.write(graph, false), 1, -1, "ops.onnx");
                 TorchScriptRunner jit = new TorchScriptRunner(script.toString(), new Device(torch.DeviceType.CPU),
                         "ops.pt")) {
                for (ModelRunner runner : List.of(onnx, jit)) {
                    RawOutputs out = runner.run(images, 2, HEIGHT, WIDTH);
                    for (int o = 0; o < 2; o++) {
                        assertThat(out.shapes()[o]).as(runner.describe()).containsExactly(expected.shapes()[o]);
                        assertThat(out.values()[o]).as(runner.describe()).containsExactly(expected.values()[o],
                                within(1e-4f));
                    }
                }
            }
        }
    }
}
