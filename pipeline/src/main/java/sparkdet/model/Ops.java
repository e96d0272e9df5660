package sparkdet.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.BatchNorm2dImpl;
import org.bytedeco.pytorch.Conv1dImpl;
import org.bytedeco.pytorch.Conv2dImpl;
import org.bytedeco.pytorch.DetailConv1dOptions;
import org.bytedeco.pytorch.DetailConv2dOptions;
import org.bytedeco.pytorch.Dropout2dImpl;
import org.bytedeco.pytorch.DropoutImpl;
import org.bytedeco.pytorch.LeakyReLUImpl;
import org.bytedeco.pytorch.LinearImpl;
import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import sparkdet.model.trace.Op;
import sparkdet.model.trace.Trace;

/**
 * The tensor operations of the networks' forward passes: each runs the libtorch operation and,
 * while a {@link Trace} is active on the calling thread (an export), records it, so that one
 * forward per network is both what runs and what exports write. Outside a trace an operation costs
 * one thread-local read more than libtorch's own call. Every operation of an eval-mode forward goes
 * through here: a tensor computed otherwise fails the trace (by name of the operation reading it)
 * instead of leaving a wrong export. The modules' variants (a Conv2dImpl, a BatchNorm2dImpl...)
 * run the module and record its parameters as constants.
 */
public final class Ops {
    private Ops() {
    }

    /** a convolution with these weights (e.g. batch norm folded in), padding and dilation on both sides alike */
    public static Tensor conv2d(Tensor x, Tensor weight, Tensor bias, long stride, long padding, long dilation,
                                long groups) {
        Trace trace = Trace.active();
        Tensor out = torch.conv2d(x, weight, new TensorOptional(bias), new long[] {stride, stride},
                new long[] {padding, padding}, new long[] {dilation, dilation}, groups);
        if (trace != null) {
            recordConv(trace, Op.CONV2D, out, x, weight, bias, stride, padding, dilation, groups);
        }
        return out;
    }

    /** the module's convolution (zero padding, the same on both sides) */
    public static Tensor conv(Conv2dImpl conv, Tensor x) {
        Trace trace = Trace.active();
        Tensor out = conv.forward(x);
        if (trace != null) {
            DetailConv2dOptions o = conv.options();
            requireSquare(o.stride(), "stride");
            requireSquare(o.dilation(), "dilation");
            requireSquare(o.padding().get0(), "padding");
            recordConv(trace, Op.CONV2D, out, x, conv.weight(), o.bias().get() ? conv.bias() : null, o.stride().get(0),
                    o.padding().get0().get(0), o.dilation().get(0), o.groups().get());
        }
        return out;
    }

    /** the module's 1-d convolution (zero padding) */
    public static Tensor conv(Conv1dImpl conv, Tensor x) {
        Trace trace = Trace.active();
        Tensor out = conv.forward(x);
        if (trace != null) {
            DetailConv1dOptions o = conv.options();
            recordConv(trace, Op.CONV1D, out, x, conv.weight(), o.bias().get() ? conv.bias() : null, o.stride().get(0),
                    o.padding().get0().get(0), o.dilation().get(0), o.groups().get());
        }
        return out;
    }

    private static void requireSquare(org.bytedeco.javacpp.LongPointer pair, String what) {
        if (pair.get(0) != pair.get(1)) {
            throw new IllegalStateException("a convolution of " + what + " " + pair.get(0) + " x " + pair.get(1)
                    + ": exports take the same " + what + " on both sides");
        }
    }

    private static void recordConv(Trace trace, Op op, Tensor out, Tensor x, Tensor weight, Tensor bias, long stride,
                                   long padding, long dilation, long groups) {
        List<String> inputs = new ArrayList<>(List.of(trace.value(x, op), trace.constant(weight)));
        if (bias != null) {
            inputs.add(trace.constant(bias));
        }
        trace.record(op, out, inputs, Map.of("stride", stride, "padding", padding, "dilation", dilation,
                "groups", groups));
    }

    /** the module's linear layer, on [N, in] */
    public static Tensor linear(LinearImpl linear, Tensor x) {
        Trace trace = Trace.active();
        Tensor out = linear.forward(x);
        if (trace != null) {
            List<String> inputs = new ArrayList<>(List.of(trace.value(x, Op.LINEAR), trace.constant(linear.weight())));
            if (linear.options().bias().get()) {
                inputs.add(trace.constant(linear.bias()));
            }
            trace.record(Op.LINEAR, out, inputs, Map.of());
        }
        return out;
    }

    /** the module's batch norm; traced only in eval mode (its running statistics) */
    public static Tensor batchNorm(BatchNorm2dImpl bn, Tensor x) {
        Trace trace = Trace.active();
        Tensor out = bn.forward(x);
        if (trace != null) {
            if (bn.is_training()) {
                throw new IllegalStateException("a batch norm in train mode: exports trace eval mode");
            }
            trace.record(Op.BATCH_NORM, out, List.of(trace.value(x, Op.BATCH_NORM), trace.constant(bn.weight()),
                    trace.constant(bn.bias()), trace.constant(bn.running_mean()), trace.constant(bn.running_var())),
                    Map.of("eps", bn.options().eps().get()));
        }
        return out;
    }

    /** the module's dropout: the input itself in eval mode, the only mode a trace takes */
    public static Tensor dropout(DropoutImpl dropout, Tensor x) {
        return passThrough(dropout, dropout.forward(x), x);
    }

    public static Tensor dropout(Dropout2dImpl dropout, Tensor x) {
        return passThrough(dropout, dropout.forward(x), x);
    }

    private static Tensor passThrough(Module module, Tensor out, Tensor x) {
        Trace trace = Trace.active();
        if (trace != null) {
            if (module.is_training()) {
                throw new IllegalStateException("a dropout in train mode: exports trace eval mode");
            }
            trace.alias(out, x, "a dropout");
        }
        return out;
    }

    public static Tensor relu(Tensor x) {
        return unary(Op.RELU, torch.relu(x), x);
    }

    /** ReLU overwriting its input, which must not be read again */
    public static Tensor reluInPlace(Tensor x) {
        Trace trace = Trace.active();
        String input = trace == null ? null : trace.value(x, Op.RELU);
        Tensor out = torch.relu_(x);
        if (trace != null) {
            trace.record(Op.RELU, out, List.of(input), Map.of());
        }
        return out;
    }

    public static Tensor relu6(Tensor x) {
        return unary(Op.RELU6, torch.relu6(x), x);
    }

    public static Tensor sigmoid(Tensor x) {
        return unary(Op.SIGMOID, torch.sigmoid(x), x);
    }

    public static Tensor silu(Tensor x) {
        return unary(Op.SILU, torch.silu(x), x);
    }

    public static Tensor mish(Tensor x) {
        return unary(Op.MISH, torch.mish(x), x);
    }

    /** the module's LeakyReLU (in place if the module says so) */
    public static Tensor leakyRelu(LeakyReLUImpl activation, Tensor x) {
        Trace trace = Trace.active();
        String input = trace == null ? null : trace.value(x, Op.LEAKY_RELU);
        Tensor out = activation.forward(x);
        if (trace != null) {
            trace.record(Op.LEAKY_RELU, out, List.of(input), Map.of("slope", activation.options().negative_slope().get()));
        }
        return out;
    }

    private static Tensor unary(Op op, Tensor out, Tensor x) {
        Trace trace = Trace.active();
        if (trace != null) {
            trace.record(op, out, List.of(trace.value(x, op)), Map.of());
        }
        return out;
    }

    /** a + b, broadcast */
    public static Tensor add(Tensor a, Tensor b) {
        return binary(Op.ADD, a.add(b), a, b);
    }

    /** a + b written into a, which must not be read again */
    public static Tensor addInPlace(Tensor a, Tensor b) {
        Trace trace = Trace.active();
        List<String> inputs = trace == null ? null : List.of(trace.value(a, Op.ADD), trace.value(b, Op.ADD));
        Tensor out = a.add_(b);
        if (trace != null) {
            trace.record(Op.ADD, out, inputs, Map.of());
        }
        return out;
    }

    /** a * b, broadcast */
    public static Tensor mul(Tensor a, Tensor b) {
        return binary(Op.MUL, a.mul(b), a, b);
    }

    private static Tensor binary(Op op, Tensor out, Tensor a, Tensor b) {
        Trace trace = Trace.active();
        if (trace != null) {
            trace.record(op, out, List.of(trace.value(a, op), trace.value(b, op)), Map.of());
        }
        return out;
    }

    /** the parts joined along a dimension */
    public static Tensor cat(long dim, Tensor... parts) {
        Trace trace = Trace.active();
        Tensor out = torch.cat(new TensorVector(parts), dim);
        if (trace != null) {
            List<String> inputs = new ArrayList<>();
            for (Tensor p : parts) {
                inputs.add(trace.value(p, Op.CAT));
            }
            trace.record(Op.CAT, out, inputs, Map.of("dim", dim));
        }
        return out;
    }

    /** {@code length} entries from {@code start} along a dimension (a view) */
    public static Tensor narrow(Tensor x, long dim, long start, long length) {
        return slice(Trace.active(), x.narrow(dim, start, length), x, dim, start, start + length, 1);
    }

    /** every {@code step}-th entry from {@code start} to the end along a dimension (a view) */
    public static Tensor every(Tensor x, long dim, long start, long step) {
        Tensor out = x.slice(dim, new LongOptional(start), new LongOptional(), step);
        return slice(Trace.active(), out, x, dim, start, x.size(dim), step);
    }

    private static Tensor slice(Trace trace, Tensor out, Tensor x, long dim, long start, long end, long step) {
        if (trace != null) {
            trace.record(Op.SLICE, out, List.of(trace.value(x, Op.SLICE)), Map.of("dim", dim, "start", start,
                    "end", end, "step", step));
        }
        return out;
    }

    /** consecutive parts of these sizes along a dimension (views) */
    public static Tensor[] split(Tensor x, long dim, long... sizes) {
        TensorVector parts = x.split_with_sizes(sizes, dim);
        Tensor[] out = new Tensor[sizes.length];
        Trace trace = Trace.active();
        long start = 0;
        for (int i = 0; i < sizes.length; i++) {
            out[i] = slice(trace, parts.get(i), x, dim, start, start + sizes[i], 1);
            start += sizes[i];
        }
        return out;
    }

    /**
     * x in another shape whose first dimension is x's (the batch, which exports leave open)
     *
     * @throws IllegalStateException while tracing, for a shape that moves the batch
     */
    public static Tensor view(Tensor x, long... shape) {
        Trace trace = Trace.active();
        Tensor out = x.view(shape);
        if (trace != null) {
            if (shape.length == 0 || shape[0] != x.size(0)) {
                throw new IllegalStateException("a view to " + java.util.Arrays.toString(shape) + " of a tensor of "
                        + "batch " + x.size(0) + ": exports keep the batch as the first dimension");
            }
            trace.record(Op.RESHAPE, out, List.of(trace.value(x, Op.RESHAPE)), Map.of("shape", shape.clone()));
        }
        return out;
    }

    /** x with its dimensions in this order */
    public static Tensor permute(Tensor x, long... dims) {
        Trace trace = Trace.active();
        Tensor out = x.permute(dims);
        if (trace != null) {
            trace.record(Op.PERMUTE, out, List.of(trace.value(x, Op.PERMUTE)), Map.of("dims", dims.clone()));
        }
        return out;
    }

    /** the mean over the dimensions, kept as size-1 dimensions */
    public static Tensor meanKeep(Tensor x, long... dims) {
        return reduce(Op.MEAN, x.mean(dims, true, new ScalarTypeOptional()), x, dims);
    }

    /** the maximum over the dimensions, kept as size-1 dimensions */
    public static Tensor amaxKeep(Tensor x, long... dims) {
        return reduce(Op.AMAX, x.amax(dims, true), x, dims);
    }

    private static Tensor reduce(Op op, Tensor out, Tensor x, long[] dims) {
        Trace trace = Trace.active();
        if (trace != null) {
            trace.record(op, out, List.of(trace.value(x, op)), Map.of("dims", dims.clone()));
        }
        return out;
    }

    /** square max pooling, zero padding counted out (PyTorch's) */
    public static Tensor maxPool2d(Tensor x, long kernel, long stride, long padding, boolean ceil) {
        Trace trace = Trace.active();
        Tensor out = torch.max_pool2d(x, new long[] {kernel, kernel}, new long[] {stride, stride},
                new long[] {padding, padding}, new long[] {1, 1}, ceil);
        if (trace != null) {
            trace.record(Op.MAX_POOL2D, out, List.of(trace.value(x, Op.MAX_POOL2D)), Map.of("kernel", kernel,
                    "stride", stride, "padding", padding, "ceil", ceil));
        }
        return out;
    }

    /** average pooling to size x size cells (PyTorch's adaptive windows) */
    public static Tensor adaptiveAvgPool2d(Tensor x, long size) {
        Trace trace = Trace.active();
        Tensor out = torch.adaptive_avg_pool2d(x, size, size);
        if (trace != null) {
            trace.record(Op.ADAPTIVE_AVG_POOL2D, out, List.of(trace.value(x, Op.ADAPTIVE_AVG_POOL2D)),
                    Map.of("size", size));
        }
        return out;
    }

    /** nearest-neighbour resizing to height x width */
    public static Tensor upsampleNearest(Tensor x, long height, long width) {
        Trace trace = Trace.active();
        Tensor out = torch.upsample_nearest2d(x, height, width);
        if (trace != null) {
            trace.record(Op.UPSAMPLE_NEAREST2D, out, List.of(trace.value(x, Op.UPSAMPLE_NEAREST2D)),
                    Map.of("size", new long[] {height, width}));
        }
        return out;
    }

    /** bilinear resizing to height x width */
    public static Tensor upsampleBilinear(Tensor x, long height, long width, boolean alignCorners) {
        Trace trace = Trace.active();
        Tensor out = torch.upsample_bilinear2d(x, new long[] {height, width}, alignCorners);
        if (trace != null) {
            trace.record(Op.UPSAMPLE_BILINEAR2D, out, List.of(trace.value(x, Op.UPSAMPLE_BILINEAR2D)),
                    Map.of("size", new long[] {height, width}, "alignCorners", alignCorners));
        }
        return out;
    }
}
