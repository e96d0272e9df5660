package sparkdet.train;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.zip.CRC32;
import org.apache.hadoop.fs.Path;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.resource.ResourceInformation;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Optimizer;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sparkdet.batches.Batch;
import sparkdet.batches.BatchLoader;
import sparkdet.batches.ImageSource;
import sparkdet.batches.LoaderOptions;
import sparkdet.batches.Seeds;
import sparkdet.data.ImageRecord;
import sparkdet.io.HadoopConf;
import sparkdet.io.Storage;
import sparkdet.model.Devices;
import sparkdet.model.ModelArchive;
import sparkdet.model.ModelSpec;
import sparkdet.model.Network;
import sparkdet.model.Targets;
import sparkdet.model.Task;
import sparkdet.model.Torch;
import sparkdet.model.TrainingStep;
import sparkdet.model.Weights;
import sparkdet.transforms.Augmentation;

/**
 * One rank of a training run, inside a barrier task: joins the group, starts every rank from rank
 * 0's weights (fresh, pretrained, or the last checkpoint when resuming or when Spark retries the
 * stage), then per epoch: its own shard shuffled by (seed, epoch, rank), one {@link TrainingStep}
 * per batch (forward, the family's loss, backward, gradients averaged over the ranks, optimiser
 * step); the epoch ends together on all ranks.
 * Rank 0 validates, writes history, plots and checkpoints, and finally model.zip.
 */
final class RankTrainer implements FlatMapFunction<Iterator<ImageRecord>, RankResult> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(RankTrainer.class);
    static final String MODEL_FILE = "model.zip";
    private static final int LOG_EVERY_STEPS = 20;

    private final Recipe recipe;
    private final int threads;
    private final ModelSpec spec;
    private final Broadcast<List<ImageRecord>> validation;
    private final HadoopConf hadoop;
    private final boolean resume;
    private final Duration timeout;
    private final boolean showProgress;

    /**
     * @param threads libtorch's intra-op threads in this rank
     * @param spec the network to train, with the options its family fitted on the driver
     * @param showProgress a progress bar on standard error (local mode, on a terminal) instead of step logs
     */
    RankTrainer(Recipe recipe, int threads, ModelSpec spec, Broadcast<List<ImageRecord>> validation, HadoopConf hadoop, boolean resume, Duration timeout,
                boolean showProgress) {
        this.recipe = recipe;
        this.threads = threads;
        this.spec = spec;
        this.validation = validation;
        this.hadoop = hadoop;
        this.resume = resume;
        this.timeout = timeout;
        this.showProgress = showProgress;
    }

    @Override
    public Iterator<RankResult> call(Iterator<ImageRecord> rows) throws Exception {
        BarrierTaskContext context = BarrierTaskContext.get();
        List<ImageRecord> shard = new ArrayList<>();
        rows.forEachRemaining(shard::add);
        // shuffle blocks arrive in any order: sorted, the shard is the same list in every attempt
        shard.sort(Comparator.comparing(r -> r.imageId));
        Torch.load();
        torch.set_num_threads(threads);
        Device device = Devices.select(recipe.device(), gpuOrdinal(context));
        try (Collective group = BarrierRendezvous.join(context, timeout, device)) {
            boolean retry = context.stageAttemptNumber() > 0;
            return List.of(train(group, device, shard, resume || retry)).iterator();
        }
    }

    /**
     * the GPU Spark gave this task (spark.task.resource.gpu.amount), else the rank: ranks sharing
     * a node take its devices in turn
     */
    private static int gpuOrdinal(BarrierTaskContext context) {
        ResourceInformation gpus = context.resourcesJMap().get("gpu");
        if (gpus != null && gpus.addresses().length > 0) {
            try {
                return Integer.parseInt(gpus.addresses()[0].trim());
            } catch (NumberFormatException e) {
                LOG.warn("GPU address '{}' is not a device number; using the rank", gpus.addresses()[0]);
            }
        }
        return context.partitionId();
    }

    private RankResult train(Collective group, Device device, List<ImageRecord> shard, boolean fromLast)
            throws IOException {
        int rank = group.rank();
        Storage storage = new Storage(hadoop.get());
        Path output = Storage.path(recipe.output());
        Checkpoints checkpoints = new Checkpoints(storage, output);
        torch.manual_seed(recipe.seed());
        Network model = spec.newNetwork();
        model.moveTo(device);
        if (rank == 0) {
            LOG.info("training on {} with {} rank(s)", Devices.name(device), group.world());
        }
        List<Tensor> parameters = new ArrayList<>(model.namedParameters().values());
        Optimizer optimizer = Optimizers.create(recipe, parameters);
        int firstEpoch = 0;
        long averageUpdates = 0;
        double bestMap = Double.NEGATIVE_INFINITY;
        boolean restored = fromLast && checkpoints.exists(Checkpoints.LAST);
        if (restored) {
            // every rank reads the same files: the optimiser's momentum is per rank and must match too
            checkpoints.restore(Checkpoints.LAST, model, optimizer);
            Checkpoints.State state = checkpoints.state(Checkpoints.LAST);
            firstEpoch = state.epoch() + 1;
            bestMap = state.bestMap();
            averageUpdates = state.averageUpdates();
            LOG.info("rank {}: resuming after epoch {} from {}", rank, state.epoch(), checkpoints.path(Checkpoints.LAST));
        } else if (recipe.pretrained() != null && rank == 0) {
            Weights.loadPretrained(model, storage, recipe.pretrained(), recipe.pretrainedMaxBytes());   // logs its load report
        }
        group.broadcast(new ArrayList<>(model.stateDict().values()));
        // rank 0 alone validates and saves, so it alone keeps the average
        WeightAverage average = rank == 0 && recipe.ema().enabled()
                ? new WeightAverage(spec, model, recipe.ema(), averageUpdates) : null;
        if (average != null && restored && checkpoints.hasAverage(Checkpoints.LAST)) {
            checkpoints.restoreAverage(Checkpoints.LAST, average.network());
        }
        // what validation, the best checkpoint and model.zip take
        Network evaluated = average != null ? average.network() : model;

        TrainingStep step = new TrainingStep(model, spec.newLoss(recipe.labelSmoothing()), optimizer);
        Validation validator = rank == 0 ? validation(spec) : null;
        History history = rank == 0 ? new History(storage, output, validator.metric()) : null;
        if (history != null && restored) {
            history.readExisting(firstEpoch);
        }
        long steps = 0;
        long images = 0;
        long skipped = 0;
        double lastLoss = Double.NaN;
        List<EpochTiming> timings = new ArrayList<>();
        for (int epoch = firstEpoch; epoch < recipe.stopEpoch(); epoch++) {
            long t0 = System.nanoTime();
            // libtorch's own draws (dropout) from a seed of the epoch, so a resumed run draws what a straight one did
            torch.manual_seed(Seeds.of(recipe.seed(), epoch, rank));
            boolean frozen = recipe.frozen(epoch);
            model.setFrozen(frozen);
            model.train(true);
            int batch = recipe.batchSize(epoch);
            double lr = new LearningRate(recipe, batch * group.world()).at(epoch);
            step.setLearningRate(lr);
            double lossSum = 0;
            long epochSteps = 0;
            long epochImages = 0;
            EpochTiming.Clock clock = new EpochTiming.Clock();
            TrainingStep.Hooks hooks = new TrainingStep.Hooks() {
                @Override
                public void afterForward() {
                    clock.forward();
                }

                @Override
                public void afterBackward() {
                    clock.backward();
                    group.averageGradients(parameters);
                    clock.allReduce();
                }
            };
            ProgressBar bar = rank == 0 && showProgress ? new ProgressBar(System.err, String.format(Locale.ROOT,
                    "epoch %d/%d", epoch + 1, recipe.epochs()), shard.size() / batch) : null;
            try (BatchLoader loader = new BatchLoader(shard, hadoop.get(), loaderOptions(spec, epoch, batch, rank))) {
                while (group.sum(new double[] {loader.hasNext() ? 1 : 0})[0] == group.world()) {
                    Batch b = loader.next();
                    clock.load();
                    try (PointerScope scope = new PointerScope()) {
                        lossSum += step.train(model.input(b.images(), b.count(), b.size(), b.size()),
                                new Targets(b.boxes(), b.masks()), hooks);
                        if (average != null) {
                            average.update(model);
                        }
                    } catch (RuntimeException e) {
                        throw MemoryGuard.explain(e, batch, recipe.inputSize(), spec.summary());
                    } catch (OutOfMemoryError e) {
                        throw MemoryGuard.explain(e, batch, recipe.inputSize(), spec.summary());
                    }
                    clock.update();
                    epochSteps++;
                    epochImages += b.count();
                    if (bar != null) {
                        bar.step(epochSteps, epochImages, lossSum / epochSteps);
                    } else if (rank == 0 && epochSteps % LOG_EVERY_STEPS == 0) {
                        LOG.info("epoch {}/{} step {}: loss {}", epoch + 1, recipe.epochs(), epochSteps,
                                String.format(Locale.ROOT, "%.4f", lossSum / epochSteps));
                    }
                }
                if (bar != null) {
                    bar.finish();
                }
                skipped += loader.skipped();
            }
            timings.add(clock.finish(epoch + 1, frozen, epochImages));
            double[] totals = group.sum(new double[] {lossSum, epochSteps});
            lastLoss = totals[1] == 0 ? Double.NaN : totals[0] / totals[1];
            steps += epochSteps;
            images += epochImages;
            if (rank == 0) {
                boolean last = epoch == recipe.epochs() - 1;
                double map = (epoch + 1) % recipe.evalPeriod() == 0 || last ? validator.score(evaluated) : Double.NaN;
                boolean best = !Double.isNaN(map) && map > bestMap;
                bestMap = best ? map : bestMap;
                double seconds = (System.nanoTime() - t0) / 1e9;
                history.add(new History.Epoch(epoch + 1, frozen ? "frozen" : "unfrozen", lastLoss, map, lr, seconds));
                LOG.info("epoch {}/{} ({}): loss {}, val {} {}, lr {}, {} s; rank 0 trained at {}", epoch + 1,
                        recipe.epochs(), frozen ? "frozen" : "unfrozen", String.format(Locale.ROOT, "%.4f", lastLoss),
                        validator.metric().title(),
                        Double.isNaN(map) ? "-" : String.format(Locale.ROOT, "%.4f", map),
                        String.format(Locale.ROOT, "%.3g", lr), String.format(Locale.ROOT, "%.1f", seconds),
                        timings.get(timings.size() - 1).summary());
                Checkpoints.State state = new Checkpoints.State(epoch, bestMap,
                        average != null ? average.updates() : 0);
                checkpoints.save(Checkpoints.LAST, model, optimizer, average, state, spec);
                if (best) {
                    checkpoints.save(Checkpoints.BEST, model, optimizer, average, state, spec);
                }
                if ((epoch + 1) % recipe.savePeriod() == 0) {
                    checkpoints.save(String.format(Locale.ROOT, "epoch-%04d", epoch + 1), model, optimizer, average, state,
                            spec);
                }
            }
        }
        if (rank == 0) {
            ModelArchive.write(storage, new Path(output, MODEL_FILE).toString(), spec, evaluated);
        }
        return new RankResult(rank, steps, images, skipped, crc(parameters), lastLoss, bestMap, timings);
    }

    /** the task's validation: mAP@0.5 of boxes, or mIoU of masks */
    private Validation validation(ModelSpec spec) {
        if (spec.task() == Task.SEGMENT) {
            List<SegmentationValidator.Pair> pairs = validation.value().stream()
                    .map(RankTrainer::validationPair).toList();
            return new SegmentationValidator(pairs, ImageSource.hadoop(hadoop.get()), spec, recipe.batchSize(),
                    recipe.pixelLimit());
        }
        return new Validator(validation.value(), hadoop.get(), LoaderOptions.validation(recipe.batchSize(),
                recipe.inputSize(), spec.pixels(), recipe.pixelLimit()), spec.classes().size(), spec.newDecoder());
    }

    private static SegmentationValidator.Pair validationPair(ImageRecord r) {
        if (!r.hasMask()) {
            throw new IllegalArgumentException("validation image " + r.imageId + " has no mask: a segmentation model "
                    + "validates on a segmentation dataset (ingest --format voc-seg, or coco --task segment)");
        }
        return new SegmentationValidator.Pair(r.imageId, r.uri, r.maskUri);
    }

    private LoaderOptions loaderOptions(ModelSpec spec, int epoch, int batch, int rank) {
        Recipe.Augment a = recipe.augment();
        boolean mosaic = a.mosaic() && epoch < recipe.epochs() * a.mosaicEpochsRatio();
        // mixup blends mosaics only, so it ends with them
        Augmentation augmentation = new Augmentation(true, mosaic ? a.mosaicProbability() : 0,
                mosaic && a.mixup() ? a.mixupProbability() : 0, a.jitter(), a.scaleMin(),
                a.scaleMax(), a.flipProbability(), 1.0, a.hue(), a.saturation(), a.value(), a.blurProbability(),
                a.rotateProbability(), a.rotateDegrees());
        // each rank its own random stream: the same seed on every rank would augment alike
        return new LoaderOptions(batch, recipe.inputSize(), spec.pixels(), augmentation, recipe.includeDifficult(),
                recipe.seed() * 1_000_003L + rank, epoch, recipe.loaderThreads(), true, recipe.pixelLimit());
    }

    /** a checksum of the parameters' bytes: equal on two ranks only if every bit is */
    static long crc(List<Tensor> parameters) {
        CRC32 crc = new CRC32();
        try (PointerScope scope = new PointerScope()) {
            for (Tensor p : parameters) {
                Tensor c = p.detach().cpu().contiguous();
                FloatPointer data = c.data_ptr_float();
                float[] values = new float[(int) c.numel()];
                data.get(values);
                java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(values.length * 4);
                buf.asFloatBuffer().put(values);
                crc.update(buf.array());
            }
        }
        return crc.getValue();
    }
}
