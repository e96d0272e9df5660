package sparkdet.train;

import java.util.List;
import org.bytedeco.pytorch.Optimizer;
import org.bytedeco.pytorch.Tensor;
import sparkdet.model.TrainingStep;

/**
 * The recipe's optimiser over every parameter, with the reference's groups (weight decay on
 * convolution weights only, or on every parameter where the family's reference does so): frozen parameters have no gradient while frozen and so are skipped
 * by the step, and join in when unfrozen without rebuilding anything.
 */
final class Optimizers {
    private Optimizers() {
    }

    static Optimizer create(Recipe r, List<Tensor> parameters) {
        TrainingStep.Kind kind = r.optimizer().equals("adam") ? TrainingStep.Kind.ADAM : TrainingStep.Kind.SGD;
        return TrainingStep.optimizer(parameters, kind, r.lr(), r.momentum(), r.nesterov(), r.weightDecay(),
                r.family().decaysEveryParameter());
    }
}
