package sparkdet.model.trace;

/** A tensor a traced forward reads but does not compute (weights, biases, statistics): float32 in row-major order. */
public record Constant(float[] values, long[] shape) {
}
