package sparkdet.train;

import sparkdet.model.LrScaling;

/**
 * The learning rate of each epoch, as the reference repositories schedule it: the base rate
 * scaled by the global batch over the family's nominal batch (within the optimiser's sane bounds:
 * {@link LrScaling}), a quadratic warm-up from a fraction of it, then cosine decay to the floor
 * with the last epochs at the floor ("cos"), or ten equal steps down to the floor ("step").
 */
public final class LearningRate {

    private final double start;
    private final double min;
    private final double warmupStart;
    private final double warmupEpochs;
    private final double flatEpochs;
    private final int epochs;
    private final boolean cosine;

    public LearningRate(Recipe r, int globalBatch) {
        boolean adam = r.optimizer().equals("adam");
        LrScaling scaling = r.family().lrScaling();
        double lo = scaling.min(adam);
        double hi = scaling.max(adam);
        double nominal = scaling.nominalBatch();
        start = Math.min(Math.max(globalBatch / nominal * r.lr(), lo), hi);
        min = Math.min(Math.max(globalBatch / nominal * r.lr() * r.minLrRatio(), lo * 0.01), hi * 0.01);
        epochs = r.epochs();
        warmupEpochs = Math.min(Math.max(r.warmupEpochs() == 0 ? 0 : scaling.warmupRatio() * epochs,
                r.warmupEpochs() == 0 ? 0 : 1), r.warmupEpochs());
        warmupStart = Math.max(r.warmupLrRatio() * start, 1e-6);
        flatEpochs = Math.min(Math.max(scaling.floorRatio() * epochs, 1), 15);
        cosine = r.schedule().equals("cos");
    }

    /** the rate of an epoch (0-based) */
    public double at(int epoch) {
        if (!cosine) {
            double decay = Math.pow(min / start, 1.0 / Math.max(epochs - 1, 1));
            int stepSize = Math.max(epochs / 10, 1);
            return start * Math.pow(decay, (double) (epoch / stepSize) * stepSize);
        }
        if (epoch < warmupEpochs) {
            return (start - warmupStart) * Math.pow(epoch / warmupEpochs, 2) + warmupStart;
        }
        if (epoch >= epochs - flatEpochs) {
            return min;
        }
        return min + 0.5 * (start - min)
                * (1 + Math.cos(Math.PI * (epoch - warmupEpochs) / (epochs - warmupEpochs - flatEpochs)));
    }
}
