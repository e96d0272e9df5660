package sparkdet.infer;

import java.util.List;
import sparkdet.image.PixelFormat;
import sparkdet.model.Task;
import sparkdet.postprocess.MaskDecoder;
import sparkdet.postprocess.OutputDecoder;
import sparkdet.transforms.Resize;

/**
 * What a model needs around it: the class names, the square input side, how a picture becomes
 * that input (letterbox with its grey, or stretch) and how the network takes its pixels (channel
 * order and normalisation), and how its outputs decode: to boxes ({@code decoder}, task detect) or
 * to class maps ({@code masks}, task segment), exactly one of them. From model.zip's model.json or
 * from an imported model's sidecar ({@link Sidecar}).
 */
public record InferenceSpec(List<String> classes, int inputSize, PixelFormat pixels, Resize resize,
                            int letterboxFill, OutputDecoder decoder, MaskDecoder masks) {
    public InferenceSpec {
        if (inputSize <= 0) {
            throw new IllegalArgumentException("input size must be positive, not " + inputSize);
        }
        if (letterboxFill < 0 || letterboxFill > 255) {
            throw new IllegalArgumentException("letterbox-fill is a grey level 0..255, not " + letterboxFill);
        }
        if ((decoder == null) == (masks == null)) {
            throw new IllegalArgumentException("a model decodes to boxes or to masks: give one decoder");
        }
        int decoded = decoder != null ? decoder.classes() : masks.classes();
        if (classes.size() != decoded) {
            throw new IllegalArgumentException(classes.size() + " class names for a decoder of " + decoded
                    + " classes");
        }
        classes = List.copyOf(classes);
    }

    /** a detection model's */
    public InferenceSpec(List<String> classes, int inputSize, PixelFormat pixels, Resize resize, int letterboxFill,
                         OutputDecoder decoder) {
        this(classes, inputSize, pixels, resize, letterboxFill, decoder, null);
    }

    /** a segmentation model's: its logits decode to class maps */
    public static InferenceSpec segmentation(List<String> classes, int inputSize, PixelFormat pixels, Resize resize,
                                             int letterboxFill) {
        return new InferenceSpec(classes, inputSize, pixels, resize, letterboxFill, null,
                new MaskDecoder(classes.size()));
    }

    public Task task() {
        return masks != null ? Task.SEGMENT : Task.DETECT;
    }
}
