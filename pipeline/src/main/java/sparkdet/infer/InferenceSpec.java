package sparkdet.infer;

import java.util.List;
import sparkdet.image.PixelFormat;
import sparkdet.postprocess.OutputDecoder;
import sparkdet.transforms.Resize;

/**
 * What a model needs around it: the class names, the square input side, how a picture becomes
 * that input (letterbox with its grey, or stretch) and how the network takes its pixels (channel
 * order and normalisation), and how its outputs decode. From model.zip's model.json or from an
 * imported model's sidecar ({@link Sidecar}).
 */
public record InferenceSpec(List<String> classes, int inputSize, PixelFormat pixels, Resize resize,
                            int letterboxFill, OutputDecoder decoder) {
    public InferenceSpec {
        if (inputSize <= 0) {
            throw new IllegalArgumentException("input size must be positive, not " + inputSize);
        }
        if (letterboxFill < 0 || letterboxFill > 255) {
            throw new IllegalArgumentException("letterbox-fill is a grey level 0..255, not " + letterboxFill);
        }
        if (classes.size() != decoder.classes()) {
            throw new IllegalArgumentException(classes.size() + " class names for a decoder of " + decoder.classes()
                    + " classes");
        }
        classes = List.copyOf(classes);
    }
}
