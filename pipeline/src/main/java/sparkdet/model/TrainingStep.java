package sparkdet.model;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Adam;
import org.bytedeco.pytorch.AdamOptions;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Optimizer;
import org.bytedeco.pytorch.OptimizerOptions;
import org.bytedeco.pytorch.OptimizerParamGroup;
import org.bytedeco.pytorch.OptimizerParamGroupVector;
import org.bytedeco.pytorch.SGD;
import org.bytedeco.pytorch.SGDOptions;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;

/**
 * One optimisation step of a model on a batch: forward in train mode, loss, backward, optimiser
 * step. The trainer runs it with hooks between the phases (timing, the ranks' gradient
 * all-reduce); callers that hold no tensors pass images as a float array. Each call runs in its
 * own PointerScope, so libtorch's memory of the step is freed when it returns. The optimiser
 * covers every parameter, as the repository's does: frozen ones get no gradient and are skipped.
 * Weight decay applies to convolution weights only, as in the repository's parameter groups (BN
 * weights and biases are not decayed).
 */
public final class TrainingStep {
    private final Network model;
    private final Loss loss;
    private final Optimizer optimizer;

    /** beta2 of the repository's Adam, which is also libtorch's default */
    static final double ADAM_BETA2 = 0.999;
    private static final double LIBTORCH_BETA1 = 0.9;

    /** the repository's optimisers: SGD (momentum, Nesterov) or Adam (betas momentum, 0.999) */
    public enum Kind {
        SGD, ADAM
    }

    /** what runs between the phases of a step */
    public interface Hooks {
        Hooks NONE = new Hooks() {
        };

        /** the loss is computed */
        default void afterForward() {
        }

        /** the gradients are there and the optimiser has not run: data-parallel ranks average them here */
        default void afterBackward() {
        }
    }

    public TrainingStep(Network model, Loss loss, Optimizer optimizer) {
        this.model = model;
        this.loss = loss;
        this.optimizer = optimizer;
    }

    public TrainingStep(Network model, Loss loss, Kind kind, double lr, double momentum, double weightDecay) {
        this(model, loss, optimizer(model.namedParameters().values(), kind, lr, momentum, momentum > 0, weightDecay));
    }

    /**
     * The repository's optimiser over the given parameters, in two groups: convolution weights
     * (4-d) with weight decay, batch-norm weights and biases without.
     */
    public static Optimizer optimizer(Collection<Tensor> parameters, Kind kind, double lr, double momentum,
                                      boolean nesterov, double weightDecay) {
        return optimizer(parameters, kind, lr, momentum, nesterov, weightDecay, false);
    }

    /**
     * @param decayEveryParameter the segmentation repositories' optimisers: weight decay on every
     *        parameter (model.parameters()), where the YOLO repositories' decay convolution weights only
     */
    public static Optimizer optimizer(Collection<Tensor> parameters, Kind kind, double lr, double momentum,
                                      boolean nesterov, double weightDecay, boolean decayEveryParameter) {
        List<Tensor> decayed = new ArrayList<>();
        List<Tensor> plain = new ArrayList<>();
        for (Tensor p : parameters) {
            (p.dim() == 4 || decayEveryParameter ? decayed : plain).add(p);
        }
        if (kind == Kind.SGD) {
            SGDOptions plainOptions = sgdOptions(lr, momentum, nesterov, 0);
            return new SGD(groups(decayed, sgdOptions(lr, momentum, nesterov, weightDecay), plain, plainOptions),
                    plainOptions);
        }
        AdamOptions plainOptions = adamOptions(lr, momentum, 0);
        return new Adam(groups(decayed, adamOptions(lr, momentum, weightDecay), plain, plainOptions), plainOptions);
    }

    private static SGDOptions sgdOptions(double lr, double momentum, boolean nesterov, double weightDecay) {
        SGDOptions o = new SGDOptions(lr);
        o.momentum().put(momentum);
        o.nesterov().put(nesterov);
        o.weight_decay().put(weightDecay);
        return o;
    }

    private static AdamOptions adamOptions(double lr, double beta1, double weightDecay) {
        AdamOptions o = new AdamOptions(lr);
        setBetas(o, beta1, ADAM_BETA2);
        o.weight_decay().put(weightDecay);
        return o;
    }

    /**
     * Writes Adam's (beta1, beta2). {@code AdamOptions.betas()} is a raw pointer to a C++
     * {@code std::tuple<double, double>}, whose memory order is the standard library's to choose:
     * libstdc++ stores the last element first, so writing slot 0 as beta1 set beta2 (every Adam run
     * trained with (0.999, 0.9) until this was found). The slot is read off libtorch's own defaults
     * instead of assumed.
     */
    static void setBetas(AdamOptions options, double beta1, double beta2) {
        int first = beta1Slot();
        options.betas().put(first, beta1).put(1 - first, beta2);
    }

    /** Adam's (beta1, beta2) as libtorch will use them */
    static double[] betas(AdamOptions options) {
        int first = beta1Slot();
        return new double[] {options.betas().get(first), options.betas().get(1 - first)};
    }

    /** the slot of beta1 in the tuple: libtorch's defaults are (0.9, 0.999) */
    private static int beta1Slot() {
        AdamOptions defaults = new AdamOptions();
        try {
            double slot0 = defaults.betas().get(0);
            double slot1 = defaults.betas().get(1);
            if (slot0 == LIBTORCH_BETA1 && slot1 == ADAM_BETA2) {
                return 0;
            }
            if (slot1 == LIBTORCH_BETA1 && slot0 == ADAM_BETA2) {
                return 1;
            }
            throw new IllegalStateException("cannot tell Adam's betas apart: libtorch's defaults read as (" + slot0 + ", "
                    + slot1 + ")");
        } finally {
            defaults.close();
        }
    }

    private static OptimizerParamGroupVector groups(List<Tensor> decayed, OptimizerOptions decayOptions,
            List<Tensor> plain, OptimizerOptions plainOptions) {
        return new OptimizerParamGroupVector(
                new OptimizerParamGroup(new TensorVector(decayed.toArray(new Tensor[0])), decayOptions.clone()),
                new OptimizerParamGroup(new TensorVector(plain.toArray(new Tensor[0])), plainOptions.clone()));
    }

    /** the same rate for every parameter group */
    public void setLearningRate(double lr) {
        OptimizerParamGroupVector groups = optimizer.param_groups();
        for (long i = 0; i < groups.size(); i++) {
            groups.get(i).options().set_lr(lr);
        }
    }

    /**
     * forward in train mode, loss, backward, optimiser step
     *
     * @param images [batch, 3, height, width] in row-major order, already normalised
     * @return the loss before the step
     */
    public float train(float[] images, int height, int width, Targets targets) {
        try (PointerScope scope = new PointerScope()) {
            return train(model.input(images, targets.boxes().length, height, width), targets, Hooks.NONE);
        }
    }

    /**
     * @param images [batch, 3, H, W] on the model's device, in its dtype
     * @return the loss before the step
     */
    public float train(Tensor images, Targets targets, Hooks hooks) {
        try (PointerScope scope = new PointerScope()) {
            model.train(true);
            optimizer.zero_grad();
            Loss.Value v = loss.compute(model.forward(images), targets);
            hooks.afterForward();
            v.loss().backward();
            hooks.afterBackward();
            optimizer.step();
            return v.value();
        }
    }

    /** the loss in eval mode, without gradients: the repository's validation loss */
    public float validate(float[] images, int height, int width, Targets targets) {
        try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
            model.eval();
            return loss.compute(model.forward(model.input(images, targets.boxes().length, height, width)), targets)
                    .value();
        }
    }
}
