package sparkdet.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import sparkdet.ingest.IngestFormat;
import sparkdet.ingest.IngestJob;
import sparkdet.ingest.IngestRequest;
import sparkdet.model.ModelFamilies;
import sparkdet.model.ModelFamily;
import sparkdet.model.Task;
import sparkdet.synth.ShapesGenerator;
import sparkdet.train.EpochTiming;
import sparkdet.train.RankResult;
import sparkdet.train.Recipe;
import sparkdet.train.TrainJob;

/**
 * {@code bench --job train}: training throughput of a model family, frozen and unfrozen, with one
 * worker of two threads and two workers of one thread, on synthesized pictures (with their masks for
 * a segmentation family; the data's content does not change the arithmetic, its loading and
 * augmentation are part of the figure), then
 * PyTorch's rate of the same definition, loss and optimiser (bench/pytorch_train_anchor.py) in the
 * same command and the ratio of the two.
 */
final class TrainBench {
    private static final int FROZEN_EPOCHS = 2;
    private static final int EPOCHS = 4;

    private TrainBench() {
    }

    static void run(Args args, Context context, Path tmp) throws Exception {
        int images = args.intValue("images", 96);
        int size = args.intValue("size", 416);
        int batch = args.intValue("batch", 8);
        int classCount = args.intValue("classes", 20);
        double width = Double.parseDouble(args.get("width", "1.0"));
        String model = args.get("model", "yolov4-tiny");
        String variant = args.get("variant", null);
        Task task = family(model).task();
        boolean masks = task == Task.SEGMENT;
        List<String> classes = new ArrayList<>(masks ? ShapesGenerator.SEGMENTATION_CLASSES : ShapesGenerator.CLASSES);
        if (classCount < classes.size()) {
            throw new UsageException("--classes: at least " + classes.size() + " (the shapes' own"
                    + (masks ? ", with the background)" : ")"));
        }
        Path voc = tmp.resolve("voc");
        ShapesGenerator.generate(voc, images, 1, size, task);
        String dataset = tmp.resolve("dataset").toString();
        new IngestJob(context.spark()).run(IngestRequest.of(masks ? IngestFormat.VOC_SEG : IngestFormat.VOC,
                voc.toString(), null, null, voc.resolve(masks ? ShapesGenerator.SEGMENTATION_CLASSES_FILE
                        : "classes.txt").toString(), dataset, true, context.config()));
        for (int c = classes.size(); c < classCount; c++) {
            classes.add("class" + c);
        }
        context.out().printf(Locale.ROOT, "bench train: %s%s width %.2f, %d classes, %dx%d, batch %d per worker,"
                + " %d images per epoch, %d cores%n", model, variant == null ? "" : " " + variant, width, classCount,
                size, size, batch, images,
                Runtime.getRuntime().availableProcessors());
        Map<String, double[]> oneWorker = new java.util.HashMap<>();
        for (int[] layout : new int[][] {{1, 2}, {2, 1}}) {
            Map<String, Object> family = new java.util.HashMap<>(Map.of("sparkdet.train.model", model));
            if (variant != null) {
                family.put("sparkdet.train.variant", variant);
            }
            if (masks) {  // the segmentation families train on single images, as their references
                family.put("sparkdet.train.augment.mosaic", false);
                family.put("sparkdet.train.augment.mixup", false);
            }
            Config overrides = ConfigFactory.parseMap(family).withFallback(ConfigFactory.parseMap(Map.ofEntries(
                    Map.entry("sparkdet.train.width", width), Map.entry("sparkdet.train.input-size", size),
                    Map.entry("sparkdet.train.batch-size", batch), Map.entry("sparkdet.train.freeze-batch-size", batch),
                    Map.entry("sparkdet.train.epochs", EPOCHS), Map.entry("sparkdet.train.freeze-epochs", FROZEN_EPOCHS),
                    Map.entry("sparkdet.train.workers", layout[0]),
                    Map.entry("sparkdet.train.threads-per-worker", layout[1]),
                    Map.entry("sparkdet.train.classes", classes), Map.entry("sparkdet.train.val-fraction", 0),
                    Map.entry("sparkdet.train.eval-period", 1000), Map.entry("sparkdet.train.save-period", 1000))));
            Recipe recipe = Recipe.of(overrides.withFallback(context.config()).resolve(), dataset,
                    tmp.resolve("run-" + layout[0]).toString());
            TrainJob.Summary s = new TrainJob(context.spark()).run(recipe, false, true);
            for (int epoch : new int[] {FROZEN_EPOCHS, EPOCHS}) {
                double[] rate = print(context, layout, epoch, s.ranks());
                if (layout[0] == 1) {
                    oneWorker.put(epoch == FROZEN_EPOCHS ? "frozen" : "unfrozen", rate);
                }
            }
        }
        List<String> script = new ArrayList<>(PyTorchAnchor.familyArgs(model, variant, width, size));
        script.addAll(List.of("--batch", Integer.toString(batch), "--classes", Integer.toString(classCount)));
        Map<String, Double> pytorch = PyTorchAnchor.run(args, context, "pytorch_train_anchor.py", script, 2);
        for (String phase : List.of("frozen", "unfrozen")) {
            if (pytorch.containsKey(phase)) {
                double[] own = oneWorker.get(phase);
                context.out().printf(Locale.ROOT, "sparkdet / PyTorch, %-8s: %.2f, network alone %.2f (1 worker x 2 "
                        + "threads: %.2f and %.2f against %.2f images/s)%n", phase, own[0] / pytorch.get(phase),
                        own[1] / pytorch.get(phase), own[0], own[1], pytorch.get(phase));
            }
        }
    }

    /** the family --model names, or the usage error that lists them */
    static ModelFamily family(String model) {
        try {
            return ModelFamilies.of(model);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--model: " + e.getMessage());
        }
    }

    /**
     * one line per (layout, epoch): the ranks' images over the slowest rank's time, and rank 0's
     * split; returns that rate and the network's own
     */
    private static double[] print(Context context, int[] layout, int epoch, List<RankResult> ranks) {
        long images = 0;
        double seconds = 0;
        double compute = 0;
        for (RankResult r : ranks) {
            EpochTiming t = r.timings().get(epoch - 1);
            images += t.images();
            seconds = Math.max(seconds, t.seconds());
            compute = Math.max(compute, t.compute());
        }
        EpochTiming t = ranks.get(0).timings().get(epoch - 1);
        context.out().printf(Locale.ROOT, "%d worker(s) x %d thread(s), %-8s: %6.2f images/s (network alone %6.2f);"
                + " time: data %4.1f%%, forward %4.1f%%, backward %4.1f%%, all-reduce %4.1f%%, update %4.1f%%%n",
                layout[0], layout[1], t.frozen() ? "frozen" : "unfrozen", images / seconds, images / compute,
                100 * t.load() / t.seconds(), 100 * t.forward() / t.seconds(), 100 * t.backward() / t.seconds(),
                100 * t.allReduce() / t.seconds(), 100 * t.update() / t.seconds());
        return new double[] {images / seconds, images / compute};
    }
}
