package sparkdet.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import sparkdet.eval.EvalJob;
import sparkdet.eval.EvalRequest;
import sparkdet.eval.SegmentationEvalJob;
import sparkdet.eval.SegmentationEvalRequest;
import sparkdet.image.PixelLimit;
import sparkdet.infer.DetectOptions;
import sparkdet.io.OutputGuard;
import sparkdet.io.Storage;
import sparkdet.model.Task;
import sparkdet.predict.PredictJob;
import sparkdet.predict.PredictRequest;
import sparkdet.ingest.IngestFormat;
import sparkdet.ingest.IngestJob;
import sparkdet.ingest.IngestRequest;
import sparkdet.ingest.IngestSummary;
import sparkdet.synth.ShapesGenerator;
import sparkdet.train.RankResult;
import sparkdet.train.Recipe;
import sparkdet.train.TrainJob;
import sparkdet.viz.MaskPainter;

/**
 * {@code sparkdet demo}: the whole pipeline on the embedded default data, on this machine:
 * synthesize a shapes dataset, ingest it, train the small model, predict the held-out images with
 * drawings, evaluate, and say where everything is.
 */
final class DemoCommand implements Command {
    /** the file that marks a folder as a demo's output */
    static final String MARKER = ".sparkdet-demo";

    @Override
    public String name() {
        return "demo";
    }

    @Override
    public String summary() {
        return "the whole chain on synthetic shapes, on this machine";
    }

    @Override
    public String help() {
        return """
            usage: sparkdet demo [--output DIR] [--images N] [--epochs N] [--task detect|segment] [--overwrite]

              --output  (alias --out) where everything goes (default out/demo, or out/demo-segment):
                        a folder an earlier demo wrote (it holds the demo's marker file
                        .sparkdet-demo) is replaced, so the demo runs again as it is; any other
                        existing non-empty folder only with --overwrite
              --images  how many synthetic images (default 1200; a fifth of them validate)
              --epochs  training epochs (default: the recipe's)
              --task    detect (default) or segment
            Synthesizes a shapes dataset (VOC layout), ingests its train and val splits, trains the
            small YOLOv4-tiny of conf/shapes.conf on it with validation mAP, predicts the held-out
            images (drawn), evaluates them (COCO and VOC), and prints where the outputs are. With
            --task segment: the shapes' masks, the small DeepLabv3+ of conf/shapes-seg.conf with
            validation mIoU, masks and overlays of the held-out images, and their mIoU as get_miou.
            """;
    }

    @Override
    public Set<String> valuedOptions() {
        return Set.of("output", "images", "epochs", "task");
    }

    @Override
    public Map<String, String> aliases() {
        return Map.of("out", "output");
    }

    @Override
    public Set<String> flagOptions() {
        return Set.of("overwrite");
    }

    @Override
    public int run(Args args, Context context) throws Exception {
        long started = System.nanoTime();
        Task task = task(args);
        Path out = Path.of(args.get("output", task == Task.SEGMENT ? "out/demo-segment" : "out/demo")).toAbsolutePath();
        // a folder an earlier demo wrote is the demo's own to replace; any other only with --overwrite
        boolean earlierDemo = Files.isRegularFile(out.resolve(MARKER));
        if (OutputGuard.check(new Storage(new Configuration()), Storage.path(out.toString()),
                earlierDemo || args.flag("overwrite"))) {
            context.out().printf("replacing %s%n", out);
            try (var files = Files.walk(out)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        Files.createDirectories(out);
        Files.writeString(out.resolve(MARKER), "written by sparkdet demo: the next demo may replace this folder\n");
        Path synth = out.resolve("shapes-voc");
        int images = args.intValue("images", 1200);
        ShapesGenerator.generate(synth, images, 1, ShapesGenerator.DEFAULT_SIZE, task);
        context.out().printf("synthesized %d images in %s%n", images, synth);
        if (task == Task.SEGMENT) {
            segmentation(args, context, out, synth);
            context.out().printf(Locale.ROOT, "demo done in %.0f s%n", (System.nanoTime() - started) / 1e9);
            return Main.OK;
        }
        for (String split : new String[] {"train", "val"}) {
            IngestRequest req = IngestRequest.of(IngestFormat.VOC, synth.toString(), null, split,
                    synth.resolve("classes.txt").toString(), out.resolve("dataset-" + split).toString(), true,
                    context.config());
            IngestSummary s = new IngestJob(context.spark()).run(req);
            context.out().printf("ingested the %s split: %d images, %d objects -> %s%n", split, s.stats().images(),
                    s.stats().objects(), s.output());
        }
        Recipe recipe = recipe(context, "shapes.conf", out, args);
        context.out().printf("training a small %s (conf/shapes.conf: %d px, %d epochs)...%n", recipe.model(),
                recipe.inputSize(), recipe.epochs());
        TrainJob.Summary t = new TrainJob(context.spark()).run(recipe, false, true);
        RankResult r = t.ranks().get(0);
        context.out().printf(java.util.Locale.ROOT, "trained: %d steps, final loss %.4f, best validation mAP@0.5 %.4f%n",
                r.steps(), r.finalLoss(), r.bestMap());

        // drawn at predict's usual threshold; scored from every box down to 0.001, as mAP wants
        Path drawn = out.resolve("predict");
        PredictJob.Summary p = new PredictJob(context.spark()).run(new PredictRequest(t.model(),
                out.resolve("dataset-val").toString(), drawn.toString(), 8, DetectArgs.options(args, context), true,
                DetectArgs.device(args, context), 2, false, PixelLimit.of(context.config()),
                DetectArgs.modelMaxBytes(context)));
        context.out().printf(Locale.ROOT, "predicted the %d held-out images: %d boxes at score >= %s, %.1f images/s%n",
                p.images(), p.detections(), DetectArgs.options(args, context).score(), p.imagesPerSecond());
        Path predicted = out.resolve("predict-all");
        new PredictJob(context.spark()).run(new PredictRequest(t.model(), out.resolve("dataset-val").toString(),
                predicted.toString(), 8, new DetectOptions(0.001, 0.45, 100), false, DetectArgs.device(args, context), 2,
                false, PixelLimit.of(context.config()), DetectArgs.modelMaxBytes(context)));

        Path evaluated = out.resolve("evaluate");
        Config scoring = context.config().getConfig("sparkdet.evaluate");  // evaluate's defaults, on the driver
        EvalJob.Summary e = new EvalJob(new Storage(new Configuration()), context::spark).run(new EvalRequest(
                out.resolve("dataset-val").toString(), predicted.toString(), evaluated.toString(),
                scoring.getString("metric"), scoring.getDouble("iou"), scoring.getDouble("score"),
                scoring.getBoolean("plus1"), true, scoring.getInt("ap-max-dets"), "local", 0, 1));
        EvaluateCommand.print(context, e.metrics());

        context.out().printf("%nlook at: %s/results.txt, metrics.json, pr_curves/, confusion_matrix.png (the scores)%n"
                + "         %s/images/ (the held-out pictures with their boxes), detections.json%n"
                + "         %s/history.csv, loss.png, map.png (the training), model.zip%n"
                + "         %s/stats.json and stats.png (the data)%n", evaluated, drawn, out.resolve("train"),
                out.resolve("dataset-train"));
        context.out().printf(Locale.ROOT, "demo done in %.0f s%n", (System.nanoTime() - started) / 1e9);
        return Main.OK;
    }

    private static Task task(Args args) {
        try {
            return Task.of(args.get("task", "detect"));
        } catch (IllegalArgumentException e) {
            throw new UsageException("--" + e.getMessage());
        }
    }

    /** the segmentation chain: masks ingested, the small DeepLabv3+ trained, masks predicted and scored */
    private static void segmentation(Args args, Context context, Path out, Path synth) throws Exception {
        for (String split : new String[] {"train", "val"}) {
            IngestRequest req = IngestRequest.of(IngestFormat.VOC_SEG, synth.toString(), null, split, null,
                    out.resolve("dataset-" + split).toString(), true, context.config());
            IngestSummary s = new IngestJob(context.spark()).run(req);
            context.out().printf("ingested the %s split: %d images with masks -> %s%n", split, s.stats().images(),
                    s.output());
        }
        Recipe recipe = recipe(context, "shapes-seg.conf", out, args);
        context.out().printf("training a small %s (conf/shapes-seg.conf: %d px, %d epochs)...%n", recipe.model(),
                recipe.inputSize(), recipe.epochs());
        TrainJob.Summary t = new TrainJob(context.spark()).run(recipe, false, true);
        RankResult r = t.ranks().get(0);
        context.out().printf(Locale.ROOT, "trained: %d steps, final loss %.4f, best validation mIoU %.4f%n",
                r.steps(), r.finalLoss(), r.bestMap());
        Path predicted = out.resolve("predict");
        PredictJob.Summary p = new PredictJob(context.spark()).run(new PredictRequest(t.model(),
                out.resolve("dataset-val").toString(), predicted.toString(), 8, DetectArgs.options(args, context), false,
                DetectArgs.device(args, context), 2, false, PixelLimit.of(context.config()),
                DetectArgs.modelMaxBytes(context), MaskPainter.Mix.BLEND));
        context.out().printf(Locale.ROOT, "predicted the %d held-out images' masks, %.1f images/s%n", p.images(),
                p.imagesPerSecond());
        Path evaluated = out.resolve("evaluate");
        Config c = context.config().getConfig("sparkdet.evaluate");
        EvalJob.Summary e = new SegmentationEvalJob(new Storage(new Configuration()), context::spark).run(
                new SegmentationEvalRequest(out.resolve("dataset-val").toString(), predicted.toString(),
                        evaluated.toString(), null, "val", false, "local", c.getBytes("cluster-above"), 0,
                        PixelLimit.of(context.config())));
        EvaluateCommand.printSegmentation(context, e.metrics());
        context.out().printf("%nlook at: %s/results.txt, metrics.json, mIoU.png, confusion_matrix.csv (the scores)%n"
                + "         %s/overlays/ (the held-out pictures with their masks), masks/, counts.json%n"
                + "         %s/history.csv, loss.png, miou.png (the training), model.zip%n"
                + "         %s/stats.json and stats.png (the data)%n", evaluated, predicted, out.resolve("train"),
                out.resolve("dataset-train"));
    }

    /** a recipe shipped in the jar, on the demo's datasets and output */
    private static Recipe recipe(Context context, String resource, Path out, Args args) {
        Config recipeConfig = ConfigFactory.parseResources(DemoCommand.class.getClassLoader(), resource)
                .withFallback(context.config()).resolve();
        Recipe recipe = Recipe.of(recipeConfig, out.resolve("dataset-train").toString(),
                out.resolve("train").toString()).withValData(out.resolve("dataset-val").toString());
        return args.get("epochs") != null ? recipe.withEpochs(args.intValue("epochs", recipe.epochs())) : recipe;
    }
}
