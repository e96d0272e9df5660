package sparkdet.model.trace;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * The recorder behind {@link sparkdet.model.Ops}: while a trace is active on a thread, each Ops
 * helper that thread runs adds its operation as a {@link TracedNode}, its output known by the
 * tensor's identity (its TensorImpl's address). A tensor an operation reads must be the traced
 * input, an output recorded before, or a constant the helper names as such (a weight): any other
 * means the forward computed it without Ops, and the trace fails naming the operation rather than
 * write a graph that silently differs from the network. Every tensor seen is held until the trace
 * ends, so no address is freed and reused while it runs. One trace per thread at a time.
 */
public final class Trace implements AutoCloseable {
    /** the graph input's name */
    public static final String INPUT = "images";
    private static final ThreadLocal<Trace> ACTIVE = new ThreadLocal<>();

    /** TensorImpl address to the name of the value it holds now (an in-place operation renames it) */
    private final Map<Long, String> values = new HashMap<>();
    private final Map<Long, String> constantNames = new HashMap<>();
    private final Map<String, Constant> constants = new LinkedHashMap<>();
    private final Map<String, long[]> shapes = new HashMap<>();
    private final List<TracedNode> nodes = new ArrayList<>();
    private final List<Tensor> held = new ArrayList<>();

    private Trace(Tensor images) {
        values.put(hold(images), INPUT);
        shapes.put(INPUT, images.sizes().vec().get());
    }

    /** the trace active on this thread, or null: what the Ops helpers ask, once per operation */
    public static Trace active() {
        return ACTIVE.get();
    }

    /** starts recording this thread's Ops operations, the images as the graph input */
    public static Trace begin(Tensor images) {
        if (ACTIVE.get() != null) {
            throw new IllegalStateException("a trace is already active on this thread");
        }
        Trace trace = new Trace(images);
        ACTIVE.set(trace);
        return trace;
    }

    /**
     * the name of a value an operation reads
     *
     * @throws IllegalStateException when the trace did not see it computed: the forward bypassed Ops
     */
    public String value(Tensor t, Op op) {
        return value(t, op.toString());
    }

    private String value(Tensor t, String reader) {
        String name = values.get(address(t));
        if (name == null) {
            throw new IllegalStateException(reader + " reads a tensor of shape " + Arrays.toString(t.sizes().vec().get())
                    + " that the trace did not see computed: the forward computed it without sparkdet.model.Ops, "
                    + "so an export would not be the network");
        }
        return name;
    }

    /** the name of a constant an operation reads (a weight, a bias), its values copied on first sight */
    public String constant(Tensor t) {
        long address = address(t);
        String name = constantNames.get(address);
        if (name == null) {
            name = "c" + constants.size();
            Tensor host = t.detach().to(torch.ScalarType.Float).cpu().contiguous();
            float[] data = new float[(int) host.numel()];
            host.data_ptr_float().get(data);
            constants.put(name, new Constant(data, t.sizes().vec().get()));
            constantNames.put(hold(t), name);
        }
        return name;
    }

    /** adds an operation whose output is {@code output}: the value that tensor holds from now on */
    public void record(Op op, Tensor output, List<String> inputs, Map<String, Object> attributes) {
        String name = "t" + nodes.size();
        nodes.add(new TracedNode(op, inputs, name, attributes));
        values.put(hold(output), name);
        shapes.put(name, output.sizes().vec().get());
    }

    /** an operation that passes a value on unchanged (dropout in eval mode): both tensors hold it */
    public void alias(Tensor output, Tensor input, String reader) {
        String name = value(input, reader);
        values.put(hold(output), name);
    }

    /** the recorded graph, whose outputs are these tensors, in this order */
    public TracedGraph finish(Tensor... outputs) {
        List<String> names = new ArrayList<>();
        for (Tensor t : outputs) {
            String name = values.get(address(t));
            if (name == null) {
                throw new IllegalStateException("the network's output " + names.size() + " of shape "
                        + Arrays.toString(t.sizes().vec().get()) + " was computed without sparkdet.model.Ops: "
                        + "the trace cannot export it");
            }
            names.add(name);
        }
        return new TracedGraph(nodes, constants, names, shapes);
    }

    @Override
    public void close() {
        ACTIVE.remove();
        held.clear();
    }

    /** keeps an owning reference until the trace ends; @return the tensor's identity */
    private long hold(Tensor t) {
        held.add(new Tensor(t));
        return address(t);
    }

    private static long address(Tensor t) {
        return t.unsafeGetTensorImpl().address();
    }
}
