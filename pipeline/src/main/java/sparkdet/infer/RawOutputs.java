package sparkdet.infer;

/**
 * A network's outputs as plain arrays: per output, its values in row-major order and its shape
 * (dimension 0 is the batch).
 */
public record RawOutputs(float[][] values, long[][] shapes) {
    public RawOutputs {
        if (values.length != shapes.length) {
            throw new IllegalArgumentException(values.length + " outputs with " + shapes.length + " shapes");
        }
    }
}
