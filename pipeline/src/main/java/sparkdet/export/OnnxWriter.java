package sparkdet.export;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;
import sparkdet.model.trace.Constant;
import sparkdet.model.trace.Op;
import sparkdet.model.trace.Trace;
import sparkdet.model.trace.TracedGraph;
import sparkdet.model.trace.TracedNode;

/**
 * A traced graph as an ONNX model (opset {@value #OPSET}, written by hand: the subset of onnx.proto
 * it needs, no ONNX library). The input is {@link Trace#INPUT}, float32 [N, 3, height, width] with
 * the batch N left open; the outputs are the network's, in its order, named output0, output1, ...,
 * each [N, ...]. The constants are float32 initializers, or with {@code half} float16 ones each
 * cast back to float32 by a Cast node (half the file; the arithmetic stays float32, on weights
 * rounded to float16). Operations ONNX lacks at this opset are spelled out: SiLU as x sigmoid(x),
 * Mish as x tanh(softplus(x)), ReLU6 as Clip, adaptive average pooling as two matrix products with
 * PyTorch's averaging windows (exact for any input size).
 */
public final class OnnxWriter {
    public static final int OPSET = 17;
    /** the IR version of ONNX 1.12, which introduced opset 17 */
    private static final long IR_VERSION = 8;
    private static final int FLOAT = 1;
    private static final int INT64 = 7;
    private static final int FLOAT16 = 10;
    private static final int ATTRIBUTE_FLOAT = 1;
    private static final int ATTRIBUTE_INT = 2;
    private static final int ATTRIBUTE_STRING = 3;
    private static final int ATTRIBUTE_INTS = 7;
    private static final String BATCH = "N";

    private final TracedGraph graph;
    private final Protobuf body = new Protobuf();
    private int extra;

    private OnnxWriter(TracedGraph graph) {
        this.graph = graph;
    }

    /** @return the .onnx file's bytes */
    public static byte[] write(TracedGraph graph, boolean half) {
        OnnxWriter w = new OnnxWriter(graph);
        for (Map.Entry<String, Constant> c : graph.constants().entrySet()) {
            w.constant(c.getKey(), c.getValue(), half);
        }
        for (TracedNode node : graph.nodes()) {
            w.node(node);
        }
        w.body.string(2, "sparkdet");
        w.body.message(11, valueInfo(Trace.INPUT, graph.shape(Trace.INPUT)));
        for (int i = 0; i < graph.outputs().size(); i++) {
            String name = "output" + i;
            w.add("Identity", List.of(graph.outputs().get(i)), name);
            w.body.message(12, valueInfo(name, graph.shape(graph.outputs().get(i))));
        }
        return new Protobuf()
                .varint(1, IR_VERSION)
                .string(2, "sparkdet")
                .message(7, w.body)
                .message(8, new Protobuf().string(1, "").varint(2, OPSET))
                .toByteArray();
    }

    private void node(TracedNode n) {
        List<String> in = n.inputs();
        String out = n.output();
        switch (n.op()) {
            case CONV2D, CONV1D -> {
                int sides = n.op() == Op.CONV2D ? 2 : 1;
                add("Conv", in, out, ints("strides", repeat(n.integer("stride"), sides)),
                        ints("pads", repeat(n.integer("padding"), 2 * sides)),
                        ints("dilations", repeat(n.integer("dilation"), sides)), integer("group", n.integer("groups")));
            }
            case LINEAR -> {
                if (graph.shape(in.get(0)).length != 2) {
                    throw new IllegalArgumentException("a linear layer on a " + graph.shape(in.get(0)).length
                            + "-d input: the ONNX export takes [N, features]");
                }
                add("Gemm", in, out, integer("transB", 1));
            }
            case BATCH_NORM -> add("BatchNormalization", in, out, real("epsilon", n.real("eps")));
            case RELU -> add("Relu", in, out);
            case RELU6 -> add("Clip", List.of(in.get(0), scalar(0), scalar(6)), out);
            case SIGMOID -> add("Sigmoid", in, out);
            case SILU -> add("Mul", List.of(in.get(0), add("Sigmoid", in, fresh())), out);
            case MISH -> add("Mul", List.of(in.get(0), add("Tanh", List.of(add("Softplus", in, fresh())), fresh())), out);
            case LEAKY_RELU -> add("LeakyRelu", in, out, real("alpha", n.real("slope")));
            case ADD -> add("Add", in, out);
            case MUL -> add("Mul", in, out);
            case CAT -> add("Concat", in, out, integer("axis", n.integer("dim")));
            case SLICE -> add("Slice", List.of(in.get(0), int64s(n.integer("start")), int64s(n.integer("end")),
                    int64s(n.integer("dim")), int64s(n.integer("step"))), out);
            case RESHAPE -> {
                long[] shape = n.ints("shape");
                // 0 copies the input's dimension: the batch, whatever it is at run time
                shape[0] = 0;
                add("Reshape", List.of(in.get(0), int64s(shape)), out);
            }
            case PERMUTE -> add("Transpose", in, out, ints("perm", n.ints("dims")));
            case MEAN -> add("ReduceMean", in, out, ints("axes", n.ints("dims")), integer("keepdims", 1));
            case AMAX -> add("ReduceMax", in, out, ints("axes", n.ints("dims")), integer("keepdims", 1));
            case MAX_POOL2D -> add("MaxPool", in, out, ints("kernel_shape", repeat(n.integer("kernel"), 2)),
                    ints("strides", repeat(n.integer("stride"), 2)), ints("pads", repeat(n.integer("padding"), 4)),
                    integer("ceil_mode", n.flag("ceil") ? 1 : 0));
            case ADAPTIVE_AVG_POOL2D -> {
                long[] shape = graph.shape(in.get(0));
                int size = (int) n.integer("size");
                // [N, C, H, W] x [W, size] then [size, H] x [N, C, H, size]: PyTorch's windows, as weights
                String columns = add("MatMul", List.of(in.get(0), floats(averaging((int) shape[3], size, true),
                        shape[3], size)), fresh());
                add("MatMul", List.of(floats(averaging((int) shape[2], size, false), size, shape[2]), columns), out);
            }
            case UPSAMPLE_NEAREST2D -> add("Resize", List.of(in.get(0), "", "", sizes(in.get(0), n.ints("size"))), out,
                    string("mode", "nearest"), string("coordinate_transformation_mode", "asymmetric"),
                    string("nearest_mode", "floor"));
            case UPSAMPLE_BILINEAR2D -> add("Resize", List.of(in.get(0), "", "", sizes(in.get(0), n.ints("size"))),
                    out, string("mode", "linear"), string("coordinate_transformation_mode",
                            n.flag("alignCorners") ? "align_corners" : "pytorch_half_pixel"));
            default -> throw new IllegalArgumentException("no ONNX form for " + n.op());
        }
    }

    /**
     * PyTorch's adaptive average pooling along one axis as a matrix: output cell i averages the
     * inputs floor(i n / size) to ceil((i + 1) n / size) - 1
     *
     * @param transposed [n, size] (to multiply from the right) instead of [size, n]
     */
    private static float[] averaging(int n, int size, boolean transposed) {
        float[] m = new float[n * size];
        for (int i = 0; i < size; i++) {
            int from = (int) Math.floorDiv((long) i * n, size);
            int to = (int) -Math.floorDiv(-(long) (i + 1) * n, size);
            for (int k = from; k < to; k++) {
                m[transposed ? k * size + i : i * n + k] = 1f / (to - from);
            }
        }
        return m;
    }

    /** [N, C, height, width]: the batch and channels of x at run time, the size as traced */
    private String sizes(String x, long[] size) {
        String shape = add("Shape", List.of(x), fresh());
        String batchAndChannels = add("Slice", List.of(shape, int64s(0), int64s(2)), fresh());
        return add("Concat", List.of(batchAndChannels, int64s(size)), fresh(), integer("axis", 0));
    }

    private void constant(String name, Constant c, boolean half) {
        if (!half) {
            body.message(5, tensor(name, c.shape(), FLOAT, floatBytes(c.values())));
            return;
        }
        String stored = name + "_float16";
        body.message(5, tensor(stored, c.shape(), FLOAT16, Float16.bytes(c.values())));
        add("Cast", List.of(stored), name, integer("to", FLOAT));
    }

    /** an int64 initializer of these values, 1-d */
    private String int64s(long... values) {
        ByteBuffer b = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            b.putLong(v);
        }
        String name = fresh();
        body.message(5, tensor(name, new long[] {values.length}, INT64, b.array()));
        return name;
    }

    /** a float32 scalar initializer */
    private String scalar(float value) {
        String name = fresh();
        body.message(5, tensor(name, new long[0], FLOAT, floatBytes(new float[] {value})));
        return name;
    }

    private String floats(float[] values, long... shape) {
        String name = fresh();
        body.message(5, tensor(name, shape, FLOAT, floatBytes(values)));
        return name;
    }

    private String fresh() {
        return "x" + extra++;
    }

    /** adds a node; @return its output */
    private String add(String type, List<String> inputs, String output, Protobuf... attributes) {
        Protobuf node = new Protobuf();
        for (String input : inputs) {
            node.string(1, input);
        }
        node.string(2, output);
        node.string(3, type + "_" + output);
        node.string(4, type);
        for (Protobuf a : attributes) {
            node.message(5, a);
        }
        body.message(1, node);
        return output;
    }

    private static Protobuf tensor(String name, long[] shape, int type, byte[] raw) {
        Protobuf t = new Protobuf();
        for (long d : shape) {
            t.varint(1, d);
        }
        return t.varint(2, type).string(8, name).bytes(9, raw);
    }

    /** a float32 value of shape [N, ...]: the traced shape but for the batch */
    private static Protobuf valueInfo(String name, long[] shape) {
        Protobuf dims = new Protobuf();
        for (int i = 0; i < shape.length; i++) {
            dims.message(1, i == 0 ? new Protobuf().string(2, BATCH) : new Protobuf().varint(1, shape[i]));
        }
        Protobuf tensorType = new Protobuf().varint(1, FLOAT).message(2, dims);
        return new Protobuf().string(1, name).message(2, new Protobuf().message(1, tensorType));
    }

    private static byte[] floatBytes(float[] values) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        return b.array();
    }

    private static long[] repeat(long value, int times) {
        long[] out = new long[times];
        java.util.Arrays.fill(out, value);
        return out;
    }

    private static Protobuf ints(String name, long[] values) {
        Protobuf a = new Protobuf().string(1, name).varint(20, ATTRIBUTE_INTS);
        for (long v : values) {
            a.varint(8, v);
        }
        return a;
    }

    private static Protobuf integer(String name, long value) {
        return new Protobuf().string(1, name).varint(20, ATTRIBUTE_INT).varint(3, value);
    }

    private static Protobuf real(String name, double value) {
        return new Protobuf().string(1, name).varint(20, ATTRIBUTE_FLOAT).float32(2, (float) value);
    }

    private static Protobuf string(String name, String value) {
        return new Protobuf().string(1, name).varint(20, ATTRIBUTE_STRING).string(4, value);
    }
}
