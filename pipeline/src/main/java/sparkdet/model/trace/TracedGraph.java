package sparkdet.model.trace;

import java.util.List;
import java.util.Map;

/**
 * A network's forward as {@link Trace} recorded it: the input ({@link Trace#INPUT}, [batch, 3,
 * height, width] as traced), the nodes in the order they ran, the constants they read by name, the
 * outputs in the network's order, and every value's shape as traced (batch 1). Every node's
 * first dimension is the batch: a reshape keeps it (the writers make it dynamic).
 */
public record TracedGraph(List<TracedNode> nodes, Map<String, Constant> constants, List<String> outputs,
                          Map<String, long[]> shapes) {
    public TracedGraph {
        nodes = List.copyOf(nodes);
        outputs = List.copyOf(outputs);
    }

    /** a value's shape as traced */
    public long[] shape(String value) {
        long[] shape = shapes.get(value);
        if (shape == null) {
            throw new IllegalArgumentException("no value " + value + " in the graph");
        }
        return shape.clone();
    }
}
