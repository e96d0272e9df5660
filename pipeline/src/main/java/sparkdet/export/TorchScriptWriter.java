package sparkdet.export;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.CompilationUnit;
import org.bytedeco.pytorch.JitModule;
import org.bytedeco.pytorch.QualifiedName;
import org.bytedeco.pytorch.QualifiedNameOptional;
import org.bytedeco.pytorch.SimpleSelf;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import sparkdet.model.Torch;
import sparkdet.model.trace.Constant;
import sparkdet.model.trace.Op;
import sparkdet.model.trace.Trace;
import sparkdet.model.trace.TracedGraph;
import sparkdet.model.trace.TracedNode;

/**
 * A traced graph as a TorchScript file that torch::jit::load (libtorch, PyTorch's torch.jit.load)
 * runs: libtorch compiles a forward written from the graph, one aten call per node, into a module
 * whose buffers are the constants, and saves it. The forward takes [N, 3, height, width] for any N
 * (a reshape keeps the input's batch) and returns the network's outputs as a tuple, in its order.
 * Float32 throughout.
 */
public final class TorchScriptWriter {
    /** the module's class, as torch.jit.load names it */
    private static final String CLASS = "__torch__.sparkdet.Export";

    private TorchScriptWriter() {
    }

    /** @return the .pt file's bytes */
    public static byte[] write(TracedGraph graph) throws IOException {
        Torch.load();
        java.nio.file.Path file = Files.createTempFile("sparkdet-export", ".pt");
        try (PointerScope scope = new PointerScope()) {
            CompilationUnit unit = new CompilationUnit();
            JitModule module = new JitModule(new QualifiedName(CLASS), unit, true);
            for (Map.Entry<String, Constant> c : graph.constants().entrySet()) {
                module.register_buffer(c.getKey(), Tensor.create(c.getValue().values(), c.getValue().shape()));
            }
            unit.define(new QualifiedNameOptional(module.type().name().get()), source(graph), torch.nativeResolver(),
                    new SimpleSelf(module.type()));
            // libtorch writes to a path or a C++ stream: a temporary file
            module.save(file.toString());
            return Files.readAllBytes(file);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** the module's forward, in TorchScript */
    private static String source(TracedGraph graph) {
        StringBuilder sb = new StringBuilder("def forward(self, " + Trace.INPUT + ": Tensor) -> Tuple["
                + String.join(", ", graph.outputs().stream().map(o -> "Tensor").toList()) + "]:\n");
        for (TracedNode n : graph.nodes()) {
            sb.append("    ").append(n.output()).append(" = ").append(call(n, graph)).append('\n');
        }
        sb.append("    return (").append(String.join(", ", graph.outputs())).append(graph.outputs().size() == 1 ? ",)\n"
                : ")\n");
        return sb.toString();
    }

    private static String call(TracedNode n, TracedGraph graph) {
        List<String> in = new ArrayList<>();
        for (String name : n.inputs()) {
            in.add(graph.constants().containsKey(name) ? "self." + name : name);
        }
        String x = in.get(0);
        return switch (n.op()) {
            case CONV2D, CONV1D -> {
                int sides = n.op() == Op.CONV2D ? 2 : 1;
                yield (sides == 2 ? "torch.conv2d(" : "torch.conv1d(") + x + ", " + in.get(1) + ", "
                        + (in.size() > 2 ? in.get(2) : "None") + ", " + list(n.integer("stride"), sides) + ", "
                        + list(n.integer("padding"), sides) + ", " + list(n.integer("dilation"), sides) + ", "
                        + n.integer("groups") + ")";
            }
            case LINEAR -> "torch.linear(" + x + ", " + in.get(1) + ", " + (in.size() > 2 ? in.get(2) : "None") + ")";
            case BATCH_NORM -> "torch.batch_norm(" + String.join(", ", in) + ", False, 0.0, " + real(n.real("eps"))
                    + ", False)";
            case RELU -> "torch.relu(" + x + ")";
            case RELU6 -> "torch.hardtanh(" + x + ", 0.0, 6.0)";
            case SIGMOID -> "torch.sigmoid(" + x + ")";
            case SILU -> "torch.silu(" + x + ")";
            case MISH -> "torch.mish(" + x + ")";
            case LEAKY_RELU -> "torch.leaky_relu(" + x + ", " + real(n.real("slope")) + ")";
            case ADD -> "torch.add(" + x + ", " + in.get(1) + ")";
            case MUL -> "torch.mul(" + x + ", " + in.get(1) + ")";
            case CAT -> "torch.cat([" + String.join(", ", in) + "], " + n.integer("dim") + ")";
            case SLICE -> "torch.slice(" + x + ", " + n.integer("dim") + ", " + n.integer("start") + ", "
                    + n.integer("end") + ", " + n.integer("step") + ")";
            // the first dimension is the input's, at run time: any batch
            case RESHAPE -> "torch.reshape(" + x + ", [" + x + ".size(0)" + LongStream.of(n.ints("shape")).skip(1)
                    .mapToObj(d -> ", " + d).collect(Collectors.joining()) + "])";
            case PERMUTE -> "torch.permute(" + x + ", " + list(n.ints("dims")) + ")";
            case MEAN -> "torch.mean(" + x + ", " + list(n.ints("dims")) + ", True)";
            case AMAX -> "torch.amax(" + x + ", " + list(n.ints("dims")) + ", True)";
            case MAX_POOL2D -> "torch.max_pool2d(" + x + ", " + list(n.integer("kernel"), 2) + ", "
                    + list(n.integer("stride"), 2) + ", " + list(n.integer("padding"), 2) + ", [1, 1], "
                    + (n.flag("ceil") ? "True" : "False") + ")";
            case ADAPTIVE_AVG_POOL2D -> "torch.adaptive_avg_pool2d(" + x + ", " + list(n.integer("size"), 2) + ")";
            case UPSAMPLE_NEAREST2D -> "torch.upsample_nearest2d(" + x + ", " + list(n.ints("size")) + ")";
            case UPSAMPLE_BILINEAR2D -> "torch.upsample_bilinear2d(" + x + ", " + list(n.ints("size")) + ", "
                    + (n.flag("alignCorners") ? "True" : "False") + ")";
        };
    }

    private static String list(long value, int times) {
        long[] values = new long[times];
        java.util.Arrays.fill(values, value);
        return list(values);
    }

    private static String list(long[] values) {
        return LongStream.of(values).mapToObj(Long::toString).collect(Collectors.joining(", ", "[", "]"));
    }

    /** a float literal TorchScript reads back to the same double */
    private static String real(double value) {
        return Double.toString(value).toLowerCase(Locale.ROOT);
    }
}
