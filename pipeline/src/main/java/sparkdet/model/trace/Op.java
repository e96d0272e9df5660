package sparkdet.model.trace;

/**
 * The operations a traced forward is made of, as {@link sparkdet.model.Ops} runs them (libtorch's
 * aten operations of the same name and meaning); the export writers map each to ONNX operators
 * and to TorchScript calls. Their attributes are named in {@link TracedNode}'s accessors' callers.
 */
public enum Op {
    /** inputs x, weight, [bias]; stride, padding, dilation (one value each, for both sides), groups */
    CONV2D,
    /** inputs x, weight, [bias]; stride, padding, dilation, groups */
    CONV1D,
    /** inputs x [N, in], weight [out, in], [bias] */
    LINEAR,
    /** eval mode: inputs x, weight, bias, running mean, running variance; eps */
    BATCH_NORM,
    RELU,
    /** min(max(x, 0), 6) */
    RELU6,
    SIGMOID,
    /** x sigmoid(x) */
    SILU,
    /** x tanh(softplus(x)) */
    MISH,
    /** slope */
    LEAKY_RELU,
    /** two inputs, broadcast */
    ADD,
    /** two inputs, broadcast */
    MUL,
    /** any number of inputs; dim */
    CAT,
    /** dim, start, end, step */
    SLICE,
    /** shape, its first dimension the input's (the batch) */
    RESHAPE,
    /** dims */
    PERMUTE,
    /** dims, kept as size-1 dimensions */
    MEAN,
    /** dims, kept as size-1 dimensions */
    AMAX,
    /** kernel, stride, padding, ceil */
    MAX_POOL2D,
    /** size (output height and width) */
    ADAPTIVE_AVG_POOL2D,
    /** size [height, width]; PyTorch's nearest (the source index is floor(dst * in / out)) */
    UPSAMPLE_NEAREST2D,
    /** size [height, width], alignCorners */
    UPSAMPLE_BILINEAR2D
}
