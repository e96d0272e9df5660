package sparkdet.cli;

import java.util.Locale;
import java.util.Map;
import java.util.Set;
import sparkdet.train.Recipe;
import sparkdet.train.TrainJob;
import sparkdet.train.ValidationMetric;

/** {@code sparkdet train}: a YOLO detector trained data-parallel on a dataset written by ingest. */
final class TrainCommand implements Command {
    @Override
    public String name() {
        return "train";
    }

    @Override
    public String summary() {
        return "train YOLOv4-tiny on an ingested dataset, data-parallel across executors";
    }

    @Override
    public String help() {
        return """
            usage: sparkdet train --conf RECIPE [--input URI] [--val-data URI] [--output URI] [--resume | --overwrite]

              --conf      the recipe (HOCON, the sparkdet.train section; conf/shapes.conf is the demo's,
                          conf/sparkdet-defaults.conf documents every key)
              --input     (alias --data) the dataset written by `sparkdet ingest` (overrides train.data)
              --val-data  a dataset to validate on (overrides train.val-data)
              --output    where model.zip, checkpoints/, history.csv, loss.png and map.png (miou.png) go
              --resume    continue the run in --output from checkpoints/last
              --overwrite start over, deleting what --output holds (an existing non-empty --output is
                          refused without --resume or --overwrite)

            One Spark barrier stage: one rank per worker (train.workers; one per executor on a cluster,
            one in local mode), ranks joined through PyTorch's c10d (Gloo on CPUs, NCCL on CUDA
            devices: train.device), gradients averaged every step.
            A failed task retries the whole stage, which resumes from the last checkpoint.
            """;
    }

    @Override
    public Set<String> valuedOptions() {
        return Set.of("input", "val-data", "output");
    }

    @Override
    public Map<String, String> aliases() {
        return Map.of("data", "input");
    }

    @Override
    public Set<String> flagOptions() {
        return Set.of("resume", "overwrite");
    }

    @Override
    public int run(Args args, Context context) throws Exception {
        if (args.flag("resume") && args.flag("overwrite")) {
            throw new UsageException("--resume and --overwrite exclude each other");
        }
        Recipe recipe = Recipe.of(context.config(), args.get("input"), args.get("output"));
        if (args.get("val-data") != null) {
            recipe = recipe.withValData(args.get("val-data"));
        }
        TrainJob.Summary s = new TrainJob(context.spark()).run(recipe, args.flag("resume"), args.flag("overwrite"));
        context.out().printf("trained on %d images (%d validate), %d rank(s)%n", s.trainImages(),
                s.validationImages(), s.ranks().size());
        for (var r : s.ranks()) {
            context.out().printf(Locale.ROOT, "rank %d: %d steps, %d images, %d skipped, final loss %.4f%n", r.rank(),
                    r.steps(), r.images(), r.skipped(), r.finalLoss());
        }
        if (s.ranks().size() > 1) {
            context.out().printf("parameters identical on all ranks: %s%n", s.ranksAgree() ? "yes" : "NO");
        }
        var best = s.ranks().get(0).bestMap();
        ValidationMetric metric = ValidationMetric.of(s.spec().task());
        context.out().printf(Locale.ROOT, "best validation %s %s%nwrote %s (and checkpoints/, history.csv, "
                + "loss.png, %s beside it)%n", metric.title(), Double.isInfinite(best) ? "-"
                : String.format(Locale.ROOT, "%.4f", best), s.model(), metric.plot());
        return Main.OK;
    }
}
