package sparkdet.infer;

import java.util.ArrayList;
import java.util.List;
import sparkdet.image.LabelMap;
import sparkdet.image.RgbImage;
import sparkdet.model.RawOutputs;
import sparkdet.postprocess.Detection;
import sparkdet.transforms.Box;
import sparkdet.transforms.Placement;

/**
 * The whole detect path around a model, in three steps that the fps mode times apart: prepare
 * (letterbox and normalise), run the network, and finish (decode the outputs, NMS, and map the
 * boxes from the letterboxed input back to each original image, clipped). Thread-safe.
 */
public final class Detector implements AutoCloseable {
    private final ModelRunner runner;
    private final InferenceSpec spec;
    private final Preprocessor preprocessor;

    public Detector(ModelRunner runner, InferenceSpec spec) {
        this.runner = runner;
        this.spec = spec;
        this.preprocessor = new Preprocessor(spec);
    }

    public InferenceSpec spec() {
        return spec;
    }

    public List<String> classes() {
        return spec.classes();
    }

    public String describe() {
        return runner.describe() + " (" + spec.classes().size() + " classes, input " + spec.inputSize() + ")";
    }

    /** per image, its boxes in its own pixels */
    public List<List<Detection>> detect(List<RgbImage> images, DetectOptions options) {
        if (images.isEmpty()) {
            return List.of();
        }
        Prepared prepared = prepare(images);
        return finish(prepared, run(prepared), options);
    }

    /** a batch letterboxed and normalised, ready for the network */
    public static final class Prepared {
        private final Preprocessor.Batch batch;

        private Prepared(Preprocessor.Batch batch) {
            this.batch = batch;
        }

        public int count() {
            return batch.count();
        }
    }

    public Prepared prepare(List<RgbImage> images) {
        return new Prepared(preprocessor.prepare(images));
    }

    public RawOutputs run(Prepared prepared) {
        Preprocessor.Batch b = prepared.batch;
        return runner.run(b.input(), b.count(), b.size(), b.size());
    }

    /**
     * the network alone on an input prepared elsewhere (the parity tests give every back-end a
     * reference's own input tensor)
     *
     * @param input [n, 3, inputSize, inputSize] row-major, already normalised
     */
    RawOutputs runInput(float[] input, int n) {
        if (input.length != n * 3 * spec.inputSize() * spec.inputSize()) {
            throw new IllegalArgumentException(input.length + " values are not " + n + " images of 3 x "
                    + spec.inputSize() + " x " + spec.inputSize());
        }
        return runner.run(input, n, spec.inputSize(), spec.inputSize());
    }

    /** per image, its class map at its own size (a segmentation model) */
    public List<LabelMap> segment(List<RgbImage> images) {
        if (images.isEmpty()) {
            return List.of();
        }
        Prepared prepared = prepare(images);
        return finishMasks(prepared, run(prepared));
    }

    /** a segmentation model's outputs: its first output's logits, per image, decoded at the picture's size */
    public List<LabelMap> finishMasks(Prepared prepared, RawOutputs outputs) {
        if (spec.masks() == null) {
            throw new IllegalStateException(describe() + " is a detection model: it gives boxes, not masks");
        }
        List<LabelMap> maps = new ArrayList<>(prepared.count());
        for (int i = 0; i < prepared.count(); i++) {
            maps.add(spec.masks().decode(outputs.values()[0], outputs.shapes()[0], i,
                    prepared.batch.placements().get(i)));
        }
        return maps;
    }

    public List<List<Detection>> finish(Prepared prepared, RawOutputs outputs, DetectOptions options) {
        if (spec.decoder() == null) {
            throw new IllegalStateException(describe() + " is a segmentation model: it gives masks, not boxes");
        }
        List<List<Detection>> decoded = spec.decoder().decode(outputs.values(), outputs.shapes(), options.score(),
                options.nmsIou(), options.maxDets());
        List<List<Detection>> result = new ArrayList<>(decoded.size());
        for (int i = 0; i < decoded.size(); i++) {
            Placement p = prepared.batch.placements().get(i);
            List<Detection> mapped = new ArrayList<>(decoded.get(i).size());
            for (Detection d : decoded.get(i)) {
                Box b = p.toOriginal(new Box(d.x1(), d.y1(), d.x2(), d.y2(), d.classIndex()));
                if (b.width() > 0 && b.height() > 0) {
                    mapped.add(new Detection(b.x1(), b.y1(), b.x2(), b.y2(), d.score(), d.classIndex()));
                }
            }
            result.add(mapped);
        }
        return result;
    }

    @Override
    public void close() {
        runner.close();
    }
}
