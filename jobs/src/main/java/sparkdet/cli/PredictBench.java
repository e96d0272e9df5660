package sparkdet.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import sparkdet.config.Settings;
import sparkdet.data.ClassList;
import sparkdet.export.ModelExport;
import sparkdet.image.ImageDecoder;
import sparkdet.image.PixelLimit;
import sparkdet.image.RgbImage;
import sparkdet.infer.DetectOptions;
import sparkdet.infer.Detector;
import sparkdet.infer.Detectors;
import sparkdet.infer.LatencyMeter;
import sparkdet.io.Storage;
import sparkdet.model.ModelArchive;
import sparkdet.model.ModelSpec;
import sparkdet.model.Task;
import sparkdet.predict.PredictJob;
import sparkdet.predict.PredictRequest;
import sparkdet.train.Recipe;

/**
 * {@code bench --job predict}: folder inference throughput of a family's network (--model, default
 * YOLOv4-tiny, at --size, 80 classes) over --images real photos (--photos, darknet's by default,
 * copied round), for sparkdet's model.zip and its ONNX and TorchScript exports (the same weights);
 * the time to first result (a one-image predict, model load included); fps's detect path and network
 * alone of each; the network alone at batch 1 and 8 (what bench/pytorch_predict_anchor.py
 * measures for PyTorch); and the ONNX model in a plain Java loop without Spark (read, decode,
 * letterbox, network, NMS), the yardstick of Spark's overhead.
 */
final class PredictBench {

    private PredictBench() {
    }

    static void run(Args args, Context context, Path tmp) throws Exception {
        int images = args.intValue("images", 1000);
        int batch = args.intValue("batch", 8);
        int size = args.intValue("size", 416);
        String family = args.get("model", "yolov4-tiny");
        String variant = args.get("variant", null);
        double width = Double.parseDouble(args.get("width", "1.0"));
        int networkImages = args.intValue("network-images", 40);
        if (networkImages < 8) {
            throw new UsageException("--network-images: at least 8 (a round of batch 8), not " + networkImages);
        }
        DetectOptions options = DetectArgs.options(args, context);
        List<String> models = new ArrayList<>();
        ModelSpec spec = modelZip(tmp.resolve("model.zip"), family, variant, width, size);
        models.add(tmp.resolve("model.zip").toString());
        long modelMaxBytes = DetectArgs.modelMaxBytes(context);
        // the same weights as sparkdet exports them, each back-end on the same network
        for (String file : List.of("model.onnx", "model.pt")) {
            models.add(ModelExport.run(new Storage(new Configuration()), models.get(0), ModelExport.Format.of(
                    file.endsWith(".onnx") ? "onnx" : "torchscript"), tmp.resolve(file).toString(), false, false,
                    modelMaxBytes).file().toString());
        }
        List<Path> sources = sources(Path.of(args.get("photos",
                context.config().getString("sparkdet.bench.photos"))));
        Path folder = photos(sources, tmp.resolve("images"), images);
        Path one = photos(sources, tmp.resolve("one"), 1);
        int cores = Runtime.getRuntime().availableProcessors();
        context.out().printf(Locale.ROOT, "bench predict: %s %s width %.2f, %dx%d, 80 classes, %d photos, batch %d, "
                + "score %s, %s, %d cores%n", spec.architecture(), spec.variant(), width, size, size, images, batch,
                options.score(), context.spark().sparkContext().master(), cores);
        Map<Integer, Double> network = new java.util.TreeMap<>();
        for (int networkBatch : new int[] {1, 8}) {
            network.put(networkBatch, networkRate(models.get(0), folder, networkBatch, networkImages, cores,
                    PixelLimit.of(context.config()), modelMaxBytes));
            context.out().printf(Locale.ROOT, "%-22s %7.1f images/s at batch %d: the network alone (model.zip, %d "
                    + "threads), as bench/pytorch_predict_anchor.py measures PyTorch's%n", "network",
                    network.get(networkBatch), networkBatch, cores);
        }
        List<String> anchorArgs = new ArrayList<>(PyTorchAnchor.familyArgs(family, variant, width, size));
        anchorArgs.addAll(List.of("--images", Integer.toString(networkImages)));
        Map<String, Double> pytorch = PyTorchAnchor.run(args, context, "pytorch_predict_anchor.py", anchorArgs, cores);
        network.forEach((b, rate) -> {
            Double theirs = pytorch.get("batch " + b);
            if (theirs != null) {
                context.out().printf(Locale.ROOT, "sparkdet / PyTorch, network alone at batch %d: %.2f (%.1f against "
                        + "%.1f images/s)%n", b, rate / theirs, rate, theirs);
            }
        });
        String onnxModel = null;
        double onnxSpark = Double.NaN;
        for (String model : models) {
            long t0 = System.nanoTime();
            new PredictJob(context.spark()).run(new PredictRequest(model, one.toString(), tmp.resolve("first").toString(),
                    1, options, false, "cpu", 2, true, PixelLimit.of(context.config()), modelMaxBytes));
            double first = (System.nanoTime() - t0) / 1e9;
            PredictJob.Summary s = new PredictJob(context.spark()).run(new PredictRequest(model, folder.toString(),
                    tmp.resolve("out").toString(), batch, options, false, "cpu", 2, true, PixelLimit.of(context.config()),
                    modelMaxBytes));
            context.out().printf(Locale.ROOT, "%-22s %7.1f images/s over %d (%d %s); first result %.1f s%n",
                    Path.of(model).getFileName(), s.imagesPerSecond(), s.images(), s.detections(),
                    s.segment() ? "masks" : "boxes", first);
            if (model.endsWith(".onnx")) {
                onnxModel = model;
                onnxSpark = s.imagesPerSecond();
            }
        }
        // fps's figures for each back-end: one photo through the whole detect path, then the network alone
        byte[] photo = Files.readAllBytes(sources.get(0));
        for (String model : models) {
            try (Detector detector = Detectors.open(new Storage(new Configuration()), model, cores, "cpu",
                    modelMaxBytes)) {
                LatencyMeter.Report r = LatencyMeter.measure(detector, photo, sources.get(0).toString(), 5, 30,
                        options, PixelLimit.of(context.config()));
                context.out().printf(Locale.ROOT, "%-22s detect path %6.1f ms, network alone %6.1f ms (%s, fps's "
                        + "means of 30 runs): the rest is %.0f %% of the network's time%n", Path.of(model).getFileName(),
                        r.wholePath().mean() * 1e3, r.networkOnly().mean() * 1e3, sources.get(0).getFileName(),
                        100 * (r.wholePath().mean() / r.networkOnly().mean() - 1));
            }
        }
        if (onnxModel != null) {
            double plain = plainLoop(onnxModel, folder, batch, cores, options, PixelLimit.of(context.config()),
                    modelMaxBytes);
            context.out().printf(Locale.ROOT, "%-22s %7.1f images/s over %d: ONNX Runtime in a plain Java loop, %d threads,"
                    + " no Spark%n", "plain loop (onnx)", plain, images, cores);
            context.out().printf(Locale.ROOT, "Spark's overhead on this machine: %.1f %%%n", 100 * (1 - onnxSpark / plain));
        }
    }

    /** the .jpg, .jpeg and .png pictures of the --photos folder, in name order */
    private static List<Path> sources(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            throw new UsageException("--photos " + folder + " is not a folder (the default, bench.photos, is Debian's "
                    + "darknet package's data folder: .ci/run installs it)");
        }
        try (var listing = Files.list(folder)) {
            List<Path> photos = listing.filter(p -> p.getFileName().toString().toLowerCase(Locale.ROOT)
                    .matches(".*\\.(jpe?g|png)")).filter(Files::isRegularFile).sorted().toList();
            if (photos.isEmpty()) {
                throw new UsageException("--photos " + folder + " holds no .jpg, .jpeg or .png pictures");
            }
            return photos;
        }
    }

    /** the photos copied round to n files */
    private static Path photos(List<Path> sources, Path dir, int n) throws IOException {
        Files.createDirectories(dir);
        for (int i = 0; i < n; i++) {
            Path source = sources.get(i % sources.size());
            String name = source.getFileName().toString();
            String extension = name.substring(name.lastIndexOf('.'));
            Files.copy(source, dir.resolve(String.format(Locale.ROOT, "photo-%05d", i) + extension));
        }
        return dir;
    }

    /**
     * the family's network at its default recipe's width and anchors (no training boxes to fit),
     * fresh weights: speed does not depend on them
     */
    private static ModelSpec modelZip(Path file, String family, String variant, double width, int size)
            throws IOException {
        List<String> names = new ArrayList<>();
        for (int c = 0; c < 80; c++) {
            names.add("c" + c);
        }
        List<String> sets = new ArrayList<>(List.of("train.model=" + family, "train.input-size=" + size,
                "train.width=" + width));
        if (variant != null) {
            sets.add("train.variant=" + variant);
        }
        if (TrainBench.family(family).task() == Task.SEGMENT) {  // no mosaic for a family that trains on masks
            sets.addAll(List.of("train.augment.mosaic=false", "train.augment.mixup=false"));
        }
        Recipe recipe;
        try {
            recipe = Recipe.of(Settings.load(null, sets), file.toString(), file.toString());
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        ModelSpec spec = recipe.spec(new ClassList(names), recipe.family().fit(List::of, recipe.seed()));
        ModelArchive.write(new Storage(new Configuration()), file.toString(), spec, spec.newNetwork());
        return spec;
    }

    /** images/s of the network alone on letterboxed photos, best of three rounds of about n images after a warm-up */
    private static double networkRate(String model, Path folder, int batch, int n, int cores, PixelLimit pixelLimit,
                                      long modelMaxBytes) throws IOException {
        try (Detector detector = Detectors.open(new Storage(new Configuration()), model, cores, "cpu", modelMaxBytes);
             var listing = Files.list(folder)) {
            List<RgbImage> pictures = new ArrayList<>();
            for (Path f : listing.sorted().limit(batch).toList()) {
                pictures.add(ImageDecoder.decode(Files.readAllBytes(f), f.toString(), pixelLimit));
            }
            Detector.Prepared prepared = detector.prepare(pictures);
            detector.run(prepared);
            double best = 0;
            for (int round = 0; round < 3; round++) {
                long t0 = System.nanoTime();
                for (int i = 0; i < n / batch; i++) {
                    detector.run(prepared);
                }
                best = Math.max(best, (n / batch) * batch / ((System.nanoTime() - t0) / 1e9));
            }
            return best;
        }
    }

    /** images/s of read, decode, detect in batches on one thread, the network on every core */
    private static double plainLoop(String model, Path folder, int batch, int cores, DetectOptions options,
                                    PixelLimit pixelLimit, long modelMaxBytes) throws IOException {
        try (Detector detector = Detectors.open(new Storage(new Configuration()), model, cores, "cpu", modelMaxBytes);
             var listing = Files.list(folder)) {
            List<Path> files = listing.sorted().toList();
            infer(detector, List.of(ImageDecoder.decode(Files.readAllBytes(files.get(0)), "warm-up", pixelLimit)), options);
            long t0 = System.nanoTime();
            for (int from = 0; from < files.size(); from += batch) {
                List<RgbImage> pictures = new ArrayList<>();
                for (Path f : files.subList(from, Math.min(files.size(), from + batch))) {
                    pictures.add(ImageDecoder.decode(Files.readAllBytes(f), f.toString(), pixelLimit));
                }
                infer(detector, pictures, options);
            }
            return files.size() / ((System.nanoTime() - t0) / 1e9);
        }
    }

    /** the whole path to boxes, or to class maps for a segmentation model */
    private static void infer(Detector detector, List<RgbImage> pictures, DetectOptions options) {
        if (detector.spec().task() == Task.SEGMENT) {
            detector.segment(pictures);
        } else {
            detector.detect(pictures, options);
        }
    }
}
