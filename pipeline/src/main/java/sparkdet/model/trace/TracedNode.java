package sparkdet.model.trace;

import java.util.List;
import java.util.Map;

/**
 * One operation of a traced forward: its inputs by value or constant name, its output's name and
 * its attributes (long[], long, double or boolean values, named as {@link Op} lists them).
 */
public record TracedNode(Op op, List<String> inputs, String output, Map<String, Object> attributes) {
    public TracedNode {
        inputs = List.copyOf(inputs);
        attributes = Map.copyOf(attributes);
    }

    public long[] ints(String name) {
        return ((long[]) attribute(name)).clone();
    }

    public long integer(String name) {
        return (Long) attribute(name);
    }

    public double real(String name) {
        return (Double) attribute(name);
    }

    public boolean flag(String name) {
        return (Boolean) attribute(name);
    }

    private Object attribute(String name) {
        Object value = attributes.get(name);
        if (value == null) {
            throw new IllegalStateException(op + " has no attribute " + name);
        }
        return value;
    }
}
