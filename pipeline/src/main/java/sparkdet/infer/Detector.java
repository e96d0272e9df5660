package sparkdet.infer;

import java.util.ArrayList;
import java.util.List;
import sparkdet.image.RgbImage;
import sparkdet.model.RawOutputs;
import sparkdet.postprocess.Detection;
import sparkdet.transforms.Box;
import sparkdet.transforms.Letterbox;

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

    public List<List<Detection>> finish(Prepared prepared, RawOutputs outputs, DetectOptions options) {
        List<List<Detection>> decoded = spec.decoder().decode(outputs.values(), outputs.shapes(), options.score(),
                options.nmsIou(), options.maxDets());
        List<List<Detection>> result = new ArrayList<>(decoded.size());
        for (int i = 0; i < decoded.size(); i++) {
            Letterbox lb = prepared.batch.letterboxes().get(i);
            List<Detection> mapped = new ArrayList<>(decoded.get(i).size());
            for (Detection d : decoded.get(i)) {
                Box b = lb.toOriginal(new Box(d.x1(), d.y1(), d.x2(), d.y2(), d.classIndex()));
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
