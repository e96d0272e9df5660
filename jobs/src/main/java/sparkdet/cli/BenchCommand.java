package sparkdet.cli;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import sparkdet.eval.EvalJob;
import sparkdet.ingest.IngestFormat;
import sparkdet.ingest.IngestJob;
import sparkdet.ingest.IngestRequest;
import sparkdet.ingest.IngestSummary;
import sparkdet.io.Storage;

/**
 * {@code sparkdet bench}: figures for the closing notes, never a test. One job into a temporary
 * folder, then its own figures, the whole process's wall time and the peak heap. The scripts in
 * bench/ run it on the large cases (bench/ingest-coco.sh, bench/evaluate-large.sh).
 */
final class BenchCommand implements Command {
    @Override
    public String name() {
        return "bench";
    }

    @Override
    public String summary() {
        return "measure a job: its own timings, process wall time, peak heap";
    }

    @Override
    public String help() {
        return """
            usage: sparkdet bench --job ingest --format voc|coco|lines --input PATH [--images DIR] [--classes FILE]
                   sparkdet bench --job evaluate --gt PATH --detections PATH [--metric coco|voc|all] [--iou 0.5]
                                  [--score 0.5] [--ap-max-dets 100] [--mode auto|local|cluster] [--no-plus1]
                   sparkdet bench --job train [--model yolov4-tiny] [--variant V] [--images 96] [--size 416]
                                  [--width 1.0] [--batch 8] [--classes 20] [--pytorch /usr/bin/python3]
                                  [--scripts DIR]
                   sparkdet bench --job predict [--model yolov4-tiny] [--variant V] [--width 1.0] [--size 416]
                                  [--images 1000] [--batch 8] [--score 0.25] [--nms-iou 0.45]
                                  [--network-images 40] [--photos DIR] [--pytorch /usr/bin/python3]
                                  [--scripts DIR] (on the CPU)

              Runs the job into a temporary folder (deleted afterwards) and prints its figures
              (ingest: objects per second of parse, validate and write; evaluate: metrics.json's
              timing_s), the wall time of the whole process since the JVM started, and the
              JVM's peak heap (the sum of the heap pools' peaks: an upper bound).
              evaluate: the options of `sparkdet evaluate`, with its aliases and its defaults
              (evaluate.*): --score (alias --score-threshold), --ap-max-dets (alias --max-dets).
              train: synthesizes --images shapes pictures at --size, ingests them, and trains the
              family --model (train.model: yolov3, yolov4, yolov4-tiny, yolov5, yolox, or a segmentation
              family, deeplabv3plus, pspnet, unet, on the shapes' masks without mosaic; --variant, default
              the family's; --width, --classes heads, the background counted for segmentation) for 2
              frozen and 2 unfrozen epochs, once with one
              worker of 2 threads and once with two workers of 1 thread; prints images/s of each
              phase's second epoch (the first warms up), the network's own rate (forward, backward,
              update) and where the time went (waiting for data, forward, backward, all-reduce, update);
              then PyTorch's rate of the same definition, loss and optimiser (pytorch_train_anchor.py of
              --scripts, default bench.scripts: bench/ of $SPARKDET_HOME, run by --pytorch, an interpreter
              with torch; none skips it), the better of its runs on 4 KB and on 2 MB pages, and
              sparkdet's over PyTorch's.
              predict: the family --model (train.model's vocabulary, 80 classes) at --size over
              --images real photos in Spark (the .jpg, .jpeg and .png of --photos copied round; default
              bench.photos, Debian's darknet data folder), with --score and --nms-iou (the per-image
              cap is predict.max-dets: --set it), as model.zip and as its exports (`sparkdet export`,
              ONNX and TorchScript, the same weights); images/s, the time to a first result, fps's
              detect path and network alone on the first photo (the rest as a share of the network), the network alone at batch 1 and 8 (best of three
              rounds of --network-images each) next to PyTorch's (pytorch_predict_anchor.py of
              --scripts run by --pytorch in the same command, the better of 4 KB and 2 MB pages), and
              the ONNX model in a plain Java loop.
              bench/ingest-coco.sh, bench/evaluate-large.sh and bench/predict-speed.sh run it on
              large generated cases.
            """;
    }

    @Override
    public Set<String> valuedOptions() {
        return Set.of("job", "format", "input", "images", "classes", "gt", "detections", "metric", "iou",
                "ap-max-dets", "mode", "size", "width", "batch", "score", "nms-iou", "model", "variant",
                "pytorch", "scripts", "network-images", "photos");
    }

    /** evaluate's, for --job evaluate */
    @Override
    public Map<String, String> aliases() {
        return EvaluateCommand.ALIASES;
    }

    @Override
    public Set<String> flagOptions() {
        return Set.of("no-plus1");
    }

    @Override
    public int run(Args args, Context context) throws Exception {
        String job = args.get("job", "ingest");
        if (!Set.of("ingest", "evaluate", "train", "predict").contains(job)) {
            throw new UsageException("--job: ingest, evaluate, train or predict, not '" + job + "'");
        }
        Path tmp = Files.createTempDirectory("sparkdet-bench");
        try {
            switch (job) {
                case "ingest" -> ingest(args, context, tmp);
                case "evaluate" -> evaluate(args, context, tmp);
                case "predict" -> PredictBench.run(args, context, tmp);
                default -> TrainBench.run(args, context, tmp);
            }
            long peak = 0;
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                if (pool.getType() == MemoryType.HEAP) {
                    peak += pool.getPeakUsage().getUsed();
                }
            }
            double wall = (System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime()) / 1000.0;
            context.out().printf("bench %s: process wall %.2f s; peak heap %d MB (max heap %d MB); %d cores%n", job,
                    wall, peak >> 20, Runtime.getRuntime().maxMemory() >> 20,
                    Runtime.getRuntime().availableProcessors());
            return Main.OK;
        } finally {
            try (var files = Files.walk(tmp)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static void ingest(Args args, Context context, Path tmp) throws Exception {
        IngestRequest req = IngestRequest.of(IngestFormat.parse(args.required("format")), args.required("input"),
                args.get("images"), null, args.get("classes"), tmp.resolve("dataset").toString(), false,
                context.config());
        IngestSummary s = new IngestJob(context.spark()).run(req);
        double seconds = s.timings().get("total");
        long objects = s.stats().objects();
        IngestCommand.print(context, s);
        context.out().printf("bench ingest: %d objects in %.2f s = %.0f annotations/s; master %s%n", objects, seconds,
                objects / seconds, context.spark().sparkContext().master());
    }

    @SuppressWarnings("unchecked")
    private static void evaluate(Args args, Context context, Path tmp) throws Exception {
        EvalJob.Summary s = new EvalJob(new Storage(new Configuration()), context::spark)
                .run(EvaluateCommand.request(args, context, tmp.resolve("eval").toString()));
        EvaluateCommand.print(context, s.metrics());
        Map<String, Double> t = (Map<String, Double>) s.metrics().get("timing_s");
        context.out().printf("bench evaluate: %s detections; evaluate + accumulate %.2f s, load %.2f s; %s%n",
                ((Map<String, Object>) s.metrics().get("counts")).get("detections"),
                t.get("evaluate") + t.get("accumulate"), t.get("load"), s.metrics().get("mode"));
    }
}
