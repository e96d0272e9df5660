package sparkdet.infer;

import sparkdet.model.RawOutputs;

/**
 * A network that takes a batch of preprocessed images and returns its raw outputs: sparkdet's own
 * libtorch model, a TorchScript file, or an ONNX file. Pre- and post-processing live outside it
 * ({@link Detector}), so every back-end decodes alike. Safe to call from several threads.
 */
public interface ModelRunner extends AutoCloseable {
    /**
     * @param images [n, 3, height, width] in row-major order, already letterboxed and normalised
     */
    RawOutputs run(float[] images, int n, int height, int width);

    /** the back-end and the file, for logs */
    String describe();

    @Override
    void close();
}
