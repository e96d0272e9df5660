package sparkdet.model;

/**
 * A network's outputs as plain arrays: per output, its values in row-major order and its shape
 * (dimension 0 is the batch). What every back-end (libtorch, TorchScript, ONNX Runtime) hands to
 * an output decoder. Free of libtorch types: ONNX Runtime runs without libtorch on the classpath.
 */
public record RawOutputs(float[][] values, long[][] shapes) {
    public RawOutputs {
        if (values.length != shapes.length) {
            throw new IllegalArgumentException(values.length + " outputs with " + shapes.length + " shapes");
        }
    }
}
