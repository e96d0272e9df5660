package sparkdet.postprocess;

import java.util.List;

/**
 * A network's raw outputs to boxes in input pixels, per image, after the score threshold and
 * per-class NMS. Works on plain float arrays, so that libtorch, TorchScript and ONNX Runtime
 * outputs decode alike.
 */
public interface OutputDecoder {
    /**
     * @param outputs per output tensor, its values in row-major order
     * @param shapes per output tensor, its shape; dimension 0 is the batch
     */
    List<List<Detection>> decode(float[][] outputs, long[][] shapes, double scoreThreshold, double nmsIou,
                                 int maxDets);

    /** how many classes the outputs score */
    int classes();
}
