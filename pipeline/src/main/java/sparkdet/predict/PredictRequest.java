package sparkdet.predict;

import java.io.Serializable;
import sparkdet.image.PixelLimit;
import sparkdet.infer.DetectOptions;
import sparkdet.viz.MaskPainter;

/**
 * A prediction run: the model (model.zip, .onnx or .pt), the input (an image, a folder, an
 * ingested dataset, on any Hadoop file system), the output folder, images per network call, the
 * post-processing, whether to draw, where libtorch computes, the decode threads per task,
 * whether an existing output may be replaced (never one that holds the model or the input),
 * the most pixels an image may have to be decoded, and models.max-bytes, the most the model
 * file and each part read from it may hold; for a segmentation model, how its overlays mix the
 * mask with the picture.
 */
public record PredictRequest(String model, String input, String output, int batch, DetectOptions options,
                             boolean draw, String device, int loaderThreads, boolean overwrite,
                             PixelLimit pixelLimit, long modelMaxBytes, MaskPainter.Mix mix)
        implements Serializable {
    /** a request whose overlays (for a segmentation model) blend the mask with the picture */
    public PredictRequest(String model, String input, String output, int batch, DetectOptions options, boolean draw,
                          String device, int loaderThreads, boolean overwrite, PixelLimit pixelLimit,
                          long modelMaxBytes) {
        this(model, input, output, batch, options, draw, device, loaderThreads, overwrite, pixelLimit, modelMaxBytes,
                MaskPainter.Mix.BLEND);
    }

    public PredictRequest {
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be at least 1, not " + batch);
        }
        if (loaderThreads < 1) {
            throw new IllegalArgumentException("loader threads must be at least 1, not " + loaderThreads);
        }
    }
}
