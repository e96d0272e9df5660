package sparkdet.model;

import java.io.Serializable;

/**
 * How a family's reference train.py turns the recipe's learning rate into the run's: the rate
 * scaled by the global batch over a nominal batch ({@code nbs}), kept within bounds per optimiser
 * ({@code lr_limit_min}, {@code lr_limit_max}), and how much of the run its scheduler spends
 * warming up and at the floor ({@code warmup_iters_ratio}, {@code no_aug_iter_ratio}).
 */
public record LrScaling(double nominalBatch, double adamMin, double adamMax, double sgdMin, double sgdMax,
                        double warmupRatio, double floorRatio) implements Serializable {
    /** the YOLO repositories': nbs 64, Adam 3e-4..1e-3, SGD 5e-4..5e-2, 5 % warm-up, 5 % at the floor */
    public static final LrScaling YOLO = new LrScaling(64, 3e-4, 1e-3, 5e-4, 5e-2, 0.05, 0.05);

    public double min(boolean adam) {
        return adam ? adamMin : sgdMin;
    }

    public double max(boolean adam) {
        return adam ? adamMax : sgdMax;
    }
}
