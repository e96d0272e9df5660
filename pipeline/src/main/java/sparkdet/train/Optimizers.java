package sparkdet.train;

import java.util.List;
import org.bytedeco.pytorch.Adam;
import org.bytedeco.pytorch.AdamOptions;
import org.bytedeco.pytorch.Optimizer;
import org.bytedeco.pytorch.SGD;
import org.bytedeco.pytorch.SGDOptions;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;

/**
 * The recipe's optimiser over every parameter: frozen ones have no gradient while frozen and so
 * are skipped by the step, and join in when unfrozen without rebuilding anything.
 */
final class Optimizers {
    private Optimizers() {
    }

    static Optimizer create(Recipe r, List<Tensor> parameters) {
        TensorVector params = new TensorVector(parameters.toArray(new Tensor[0]));
        if (r.optimizer().equals("adam")) {
            AdamOptions o = new AdamOptions(r.lr());
            o.betas().put(0, r.momentum());
            o.betas().put(1, 0.999);
            o.weight_decay().put(r.weightDecay());
            return new Adam(params, o);
        }
        SGDOptions o = new SGDOptions(r.lr());
        o.momentum().put(r.momentum());
        o.nesterov().put(r.nesterov());
        o.weight_decay().put(r.weightDecay());
        return new SGD(params, o);
    }

    static void setLearningRate(Optimizer optimizer, double lr) {
        var groups = optimizer.param_groups();
        for (long i = 0; i < groups.size(); i++) {
            groups.get(i).options().set_lr(lr);
        }
    }
}
