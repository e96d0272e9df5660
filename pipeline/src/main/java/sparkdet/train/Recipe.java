package sparkdet.train;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.io.Serializable;
import java.util.List;
import sparkdet.data.ClassList;
import sparkdet.image.PixelLimit;
import sparkdet.model.FamilyOptions;
import sparkdet.model.FamilyRecipe;
import sparkdet.model.ModelFamilies;
import sparkdet.model.ModelFamily;
import sparkdet.model.ModelFiles;
import sparkdet.model.ModelSpec;
import sparkdet.model.Task;
import sparkdet.transforms.Augmentation;
import sparkdet.transforms.Resize;

/**
 * A training recipe: the {@code sparkdet.train} section of the configuration (defaults and their
 * meaning in conf/sparkdet-defaults.conf), checked once on the driver so that no executor finds
 * a bad value an hour in; with the image limit every reader applies ({@value PixelLimit#SETTING}).
 * {@code model} names the family ({@link ModelFamilies}), which reads and checks its own keys
 * (for yolov4-tiny width and anchors) into {@code family}; {@code variant} null is its default.
 * {@code pretrainedMaxBytes} is {@code sparkdet.models.max-bytes}, which bounds the pretrained file
 * as every model file.
 */
public record Recipe(String data, String valData, String output, String trainSplit, String valSplit, double valFraction,
                     String model, String variant, int inputSize, FamilyRecipe family, String pretrained,
                     List<String> classes, boolean includeDifficult, int epochs, int freezeEpochs,
                     int freezeBatchSize, int batchSize, int workers, int threadsPerWorker, int loaderThreads,
                     String optimizer, double momentum, boolean nesterov, double weightDecay, double lr,
                     double minLrRatio, String schedule, int warmupEpochs, double warmupLrRatio,
                     double labelSmoothing, Augment augment, WeightAveraging ema, int savePeriod, int evalPeriod, long seed, int stopAfter,
                     java.time.Duration collectiveTimeout, String device, PixelLimit pixelLimit,
                     long pretrainedMaxBytes)
        implements Serializable {

    /**
     * the augmentation switches; blur and rotation are the segmentation references' (rotation turns
     * masks, so detection models refuse it)
     */
    public record Augment(boolean mosaic, double mosaicProbability, double mosaicEpochsRatio, boolean mixup,
                          double mixupProbability, double flipProbability,
                          double jitter, double scaleMin, double scaleMax, double hue, double saturation,
                          double value, double blurProbability, double rotateProbability, int rotateDegrees)
            implements Serializable {
    }

    /**
     * the moving average of the weights that validation, the best checkpoint and model.zip use
     * ({@link WeightAverage}); off: the weights themselves
     */
    public record WeightAveraging(boolean enabled, double decay, double tau) implements Serializable {
    }

    public Recipe {
        ModelFamily f = familyOf(model);
        int multiple = f.inputMultiple();
        require(inputSize > 0 && inputSize % multiple == 0, "input-size must be a positive multiple of " + multiple
                + ", not " + inputSize + " (" + model + " downsamples by " + multiple + ")");
        require(variant == null || f.variants().contains(variant), "variant: " + model + " has "
                + String.join(", ", f.variants()) + ", not '" + variant + "'");
        require(epochs > 0 && freezeEpochs >= 0 && freezeEpochs <= epochs,
                "epochs must be positive and freeze-epochs between 0 and epochs");
        require(freezeBatchSize >= 2 && batchSize >= 2, "batch sizes must be at least 2 per worker: batch "
                + "normalisation needs two images to normalise over (got " + freezeBatchSize + " and " + batchSize + ")");
        require(workers >= 0 && threadsPerWorker >= 0 && loaderThreads >= 1,
                "workers >= 0, threads-per-worker >= 0 (0: the rank's cores), loader-threads >= 1");
        require(optimizer.equals("sgd") || optimizer.equals("adam"), "optimizer: sgd or adam, not '" + optimizer + "'");
        require(schedule.equals("cos") || schedule.equals("step"), "schedule: cos or step, not '" + schedule + "'");
        require(lr > 0 && minLrRatio > 0 && minLrRatio <= 1, "lr > 0 and 0 < min-lr-ratio <= 1");
        require(labelSmoothing >= 0 && labelSmoothing < 1, "label-smoothing in [0, 1)");
        require(augment.mixupProbability() >= 0 && augment.mixupProbability() <= 1, "augment.mixup-probability in [0, 1]");
        require(!augment.mixup() || augment.mosaic(), "augment.mixup blends mosaics (as the reference repositories do): "
                + "with mosaic = false it would never apply; switch mosaic on or mixup off");
        require(augment.blurProbability() >= 0 && augment.blurProbability() <= 1,
                "augment.blur-probability in [0, 1], not " + augment.blurProbability());
        require(augment.rotateProbability() >= 0 && augment.rotateProbability() <= 1,
                "augment.rotate-probability in [0, 1], not " + augment.rotateProbability());
        require(augment.rotateDegrees() >= 0 && augment.rotateDegrees() <= Augmentation.MAX_ROTATE_DEGREES,
                "augment.rotate-degrees in [0, " + Augmentation.MAX_ROTATE_DEGREES + "], not " + augment.rotateDegrees());
        require(augment.rotateProbability() == 0 || f.task() == Task.SEGMENT, "augment.rotate-probability is for "
                + "segmentation models (masks); boxes would need re-fitting: " + model + " learns boxes, leave it 0");
        require(ema.decay() > 0 && ema.decay() < 1 && ema.tau() > 0, "ema-decay in (0, 1) and ema-tau > 0");
        require(savePeriod >= 1 && evalPeriod >= 1, "save-period and eval-period must be at least 1");
        require(valFraction >= 0 && valFraction < 1, "val-fraction in [0, 1)");
        require(stopAfter >= 0, "stop-after >= 0");
        require(device.matches("auto|cpu|cuda|cuda:\\d+"), "device: auto, cpu, cuda or cuda:N, not '" + device + "'");
    }

    private static ModelFamily familyOf(String model) {
        try {
            return ModelFamilies.of(model);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("train recipe: model: " + e.getMessage(), e);
        }
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException("train recipe: " + message);
        }
    }

    /** the recipe in {@code sparkdet.train}; data and output override the recipe's paths when given */
    public static Recipe of(Config config, String dataOverride, String outputOverride) {
        Config c = config.getConfig("sparkdet.train");
        Config a = c.getConfig("augment");
        try {
            String data = dataOverride != null ? dataOverride : c.getIsNull("data") ? null : c.getString("data");
            String output = outputOverride != null ? outputOverride
                    : c.getIsNull("output") ? null : c.getString("output");
            if (data == null || output == null) {
                throw new IllegalArgumentException("train needs a dataset and an output: --data/--output or "
                        + "train.data/train.output in the recipe");
            }
            return new Recipe(data, c.getIsNull("val-data") ? null : c.getString("val-data"), output,
                    c.getString("train-split"), c.getString("val-split"),
                    c.getDouble("val-fraction"), c.getString("model"),
                    c.getIsNull("variant") ? null : c.getString("variant"), c.getInt("input-size"),
                    familyRecipe(c), c.getIsNull("pretrained") ? null : c.getString("pretrained"),
                    c.getStringList("classes"), c.getBoolean("include-difficult"), c.getInt("epochs"),
                    c.getInt("freeze-epochs"), c.getInt("freeze-batch-size"), c.getInt("batch-size"),
                    c.getInt("workers"), c.getInt("threads-per-worker"), c.getInt("loader-threads"),
                    c.getString("optimizer"), c.getDouble("momentum"), c.getBoolean("nesterov"),
                    c.getDouble("weight-decay"), c.getDouble("lr"), c.getDouble("min-lr-ratio"),
                    c.getString("schedule"), c.getInt("warmup-epochs"), c.getDouble("warmup-lr-ratio"),
                    c.getDouble("label-smoothing"),
                    new Augment(a.getBoolean("mosaic"), a.getDouble("mosaic-probability"),
                            a.getDouble("mosaic-epochs-ratio"), a.getBoolean("mixup"), a.getDouble("mixup-probability"),
                            a.getDouble("flip-probability"), a.getDouble("jitter"),
                            a.getDouble("scale-min"), a.getDouble("scale-max"), a.getDouble("hue"),
                            a.getDouble("saturation"), a.getDouble("value"), a.getDouble("blur-probability"),
                            a.getDouble("rotate-probability"), wholeDegrees(a)),
                    new WeightAveraging(c.getBoolean("ema"), c.getDouble("ema-decay"), c.getDouble("ema-tau")),
                    c.getInt("save-period"), c.getInt("eval-period"), c.getLong("seed"), c.getInt("stop-after"),
                    c.getDuration("collective-timeout"), c.getString("device"), PixelLimit.of(config),
                    ModelFiles.maxBytes(config));
        } catch (ConfigException e) {
            throw new IllegalArgumentException("train recipe: " + e.getMessage(), e);
        }
    }

    /** augment.rotate-degrees, which a config's getInt would truncate: 2.5 is refused rather than read as 2 */
    private static int wholeDegrees(Config augment) {
        double d = augment.getDouble("rotate-degrees");
        require(d == Math.rint(d), "augment.rotate-degrees is a whole number (the angle is a random whole number of "
                + "degrees, as the reference's np.random.randint), not " + d);
        return (int) d;
    }

    /** the family's own keys of the recipe, read and checked by the family */
    private static FamilyRecipe familyRecipe(Config train) {
        ModelFamily f = familyOf(train.getString("model"));
        try {
            return f.recipe(train);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("train recipe: " + e.getMessage(), e);
        }
    }

    /** the description of the network a run trains, with the options the family fitted for it */
    public ModelSpec spec(ClassList classes, FamilyOptions options) {
        ModelFamily f = familyOf(model);
        return new ModelSpec(model, variant != null ? variant : f.variants().get(0), f.task(), classes, inputSize,
                inputSize, family.pixels(), Resize.LETTERBOX, options);
    }

    public Recipe withEpochs(int n) {
        return new Recipe(data, valData, output, trainSplit, valSplit, valFraction, model, variant, inputSize, family,
                pretrained, classes, includeDifficult, n, Math.min(freezeEpochs, n), freezeBatchSize, batchSize,
                workers, threadsPerWorker, loaderThreads, optimizer, momentum, nesterov, weightDecay, lr, minLrRatio,
                schedule, warmupEpochs, warmupLrRatio, labelSmoothing, augment, ema, savePeriod, evalPeriod, seed, stopAfter,
                collectiveTimeout, device, pixelLimit, pretrainedMaxBytes);
    }

    public Recipe withValData(String uri) {
        return new Recipe(data, uri, output, trainSplit, valSplit, valFraction, model, variant, inputSize, family,
                pretrained, classes, includeDifficult, epochs, freezeEpochs, freezeBatchSize, batchSize, workers,
                threadsPerWorker, loaderThreads, optimizer, momentum, nesterov, weightDecay, lr, minLrRatio, schedule,
                warmupEpochs, warmupLrRatio, labelSmoothing, augment, ema, savePeriod, evalPeriod, seed, stopAfter,
                collectiveTimeout, device, pixelLimit, pretrainedMaxBytes);
    }

    /** whether an epoch (0-based) trains with the backbone frozen */
    public boolean frozen(int epoch) {
        return epoch < freezeEpochs;
    }

    /** the epoch (exclusive) this invocation stops at: all of them, or stop-after */
    public int stopEpoch() {
        return stopAfter > 0 ? Math.min(stopAfter, epochs) : epochs;
    }

    public int batchSize(int epoch) {
        return frozen(epoch) ? freezeBatchSize : batchSize;
    }
}
