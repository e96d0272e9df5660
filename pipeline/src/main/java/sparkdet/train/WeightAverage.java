package sparkdet.train;

import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import sparkdet.model.ModelSpec;
import sparkdet.model.Network;

/**
 * The exponential moving average of a network's weights, as YOLOv5's ModelEMA (yolov5-pytorch,
 * nets/yolo_training.py) keeps it: after each optimiser step every floating parameter and buffer
 * becomes {@code d * average + (1 - d) * weight}, with {@code d = decay * (1 - exp(-updates / tau))}
 * ramping up from 0 so that early averages follow the weights closely. Validation, the best
 * checkpoint and model.zip use the average, as the reference evaluates and saves it; training goes
 * on with the weights themselves.
 */
final class WeightAverage {
    private final Network average;
    private final double decay;
    private final double tau;
    private long updates;

    /**
     * @param start the weights the average starts from (copied)
     * @param updates the updates already made (a resumed run's)
     */
    WeightAverage(ModelSpec spec, Network start, Recipe.WeightAveraging settings, long updates) {
        this.average = spec.newNetwork();
        this.average.moveTo(start.device());
        this.average.train(false);
        this.decay = settings.decay();
        this.tau = settings.tau();
        this.updates = updates;
        copy(start.stateDict(), average.stateDict());
    }

    /** one optimiser step later */
    void update(Network model) {
        updates++;
        double d = decay * (1 - Math.exp(-updates / tau));
        Map<String, Tensor> weights = model.stateDict();
        try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
            average.stateDict().forEach((name, a) -> {
                if (a.is_floating_point()) {
                    a.mul_(new Scalar(d)).add_(weights.get(name).detach(),
                            new Scalar(1 - d));
                }
            });
        }
    }

    Network network() {
        return average;
    }

    long updates() {
        return updates;
    }

    private static void copy(Map<String, Tensor> from, Map<String, Tensor> to) {
        try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
            to.forEach((name, t) -> t.copy_(from.get(name)));
        }
    }
}
