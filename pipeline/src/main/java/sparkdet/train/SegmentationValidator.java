package sparkdet.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import sparkdet.batches.ImageSource;
import sparkdet.eval.SegmentationConfusion;
import sparkdet.eval.SegmentationMetrics;
import sparkdet.image.ImageDecoder;
import sparkdet.image.LabelMap;
import sparkdet.image.LabelPng;
import sparkdet.image.PixelLimit;
import sparkdet.image.RgbImage;
import sparkdet.infer.Detector;
import sparkdet.infer.InferenceSpec;
import sparkdet.infer.ModelRunner;
import sparkdet.model.ModelSpec;
import sparkdet.model.Network;
import sparkdet.model.RawOutputs;

/**
 * Validation mIoU during training, computed as predict and evaluate --task segment compute it:
 * each validation picture segmented by predict's own code (letterbox, network, {@code MaskDecoder}
 * at the picture's size) and compared with its label mask by the reference's get_miou rules, as
 * the segmentation repositories' EvalCallback does. The network runs in eval mode without folding
 * its batch norms (it goes on training).
 */
final class SegmentationValidator implements Validation {
    /** a validation picture and its label mask */
    record Pair(String imageId, String imageUri, String maskUri) {
    }

    private final List<Pair> images;
    private final ImageSource source;
    private final ModelSpec spec;
    private final int batch;
    private final PixelLimit pixelLimit;

    SegmentationValidator(List<Pair> images, ImageSource source, ModelSpec spec, int batch, PixelLimit pixelLimit) {
        this.images = List.copyOf(images);
        this.source = source;
        this.spec = spec;
        this.batch = batch;
        this.pixelLimit = pixelLimit;
    }

    @Override
    public ValidationMetric metric() {
        return ValidationMetric.MIOU;
    }

    @Override
    public double score(Network model) {
        if (images.isEmpty()) {
            return Double.NaN;
        }
        int classes = spec.classes().size();
        Detector detector = new Detector(inTraining(model), InferenceSpec.segmentation(spec.classes().names(),
                spec.inputHeight(), spec.pixels(), spec.resize(), 128));
        SegmentationConfusion confusion = new SegmentationConfusion(classes);
        long pair = 0;
        try {
            for (int from = 0; from < images.size(); from += batch) {
                List<Pair> chunk = images.subList(from, Math.min(images.size(), from + batch));
                List<RgbImage> pictures = new ArrayList<>(chunk.size());
                List<LabelMap> labels = new ArrayList<>(chunk.size());
                for (Pair p : chunk) {
                    pictures.add(ImageDecoder.decode(source.read(p.imageUri()), p.imageUri(), pixelLimit));
                    labels.add(LabelPng.decode(source.read(p.maskUri()), p.maskUri(), pixelLimit));
                }
                List<LabelMap> predicted = detector.segment(pictures);
                for (int i = 0; i < chunk.size(); i++) {
                    confusion.add(pair++, labels.get(i), predicted.get(i), chunk.get(i).imageId());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("validation: " + e.getMessage(), e);
        }
        return SegmentationMetrics.of(confusion).mIoU();
    }

    /** the training network as predict's runner: eval mode for the call, nothing folded, nothing closed */
    private static ModelRunner inTraining(Network model) {
        return new ModelRunner() {
            @Override
            public RawOutputs run(float[] images, int n, int height, int width) {
                boolean wasTraining = model.is_training();
                try {
                    return model.predict(images, n, height, width);
                } finally {
                    model.train(wasTraining);
                }
            }

            @Override
            public String describe() {
                return "the network in training";
            }

            @Override
            public void close() {
                // the trainer owns the network
            }
        };
    }
}
