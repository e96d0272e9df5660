package sparkdet.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import sparkdet.config.Settings;
import sparkdet.data.ClassList;
import sparkdet.image.ImageDecoder;
import sparkdet.image.PixelLimit;
import sparkdet.image.RgbImage;
import sparkdet.infer.DetectOptions;
import sparkdet.infer.Detector;
import sparkdet.infer.Detectors;
import sparkdet.io.Storage;
import sparkdet.model.ModelArchive;
import sparkdet.model.ModelSpec;
import sparkdet.predict.PredictJob;
import sparkdet.predict.PredictRequest;
import sparkdet.train.Recipe;

/**
 * {@code bench --job predict}: folder inference throughput of YOLOv4-tiny at 416 (80 classes) over
 * --images real photos (darknet's, copied round), for sparkdet's model.zip and, from --models
 * (scripts/make_inference_fixtures.py --full DIR), the same network as TorchScript and ONNX; the
 * time to first result (a one-image predict, model load included); and the ONNX model in a plain
 * Java loop without Spark (read, decode, letterbox, network, NMS), the yardstick of Spark's
 * overhead.
 */
final class PredictBench {
    private static final List<String> PHOTOS = List.of("dog.jpg", "eagle.jpg", "giraffe.jpg", "horses.jpg", "kite.jpg",
            "person.jpg", "scream.jpg");
    private static final Path DARKNET = Path.of("/usr/share/darknet/data");
    private static final int SIZE = 416;

    private PredictBench() {
    }

    static void run(Args args, Context context, Path tmp) throws Exception {
        int images = args.intValue("images", 1000);
        int batch = args.intValue("batch", 8);
        DetectOptions options = DetectArgs.options(args, context);
        Path folder = photos(tmp.resolve("images"), images);
        Path one = photos(tmp.resolve("one"), 1);
        List<String> models = new ArrayList<>();
        models.add(modelZip(tmp.resolve("model.zip")));
        String dir = args.get("models");
        if (dir != null) {
            for (String file : List.of("yolov4_tiny_416.pt", "yolov4_tiny_416.onnx")) {
                Path p = Path.of(dir, file);
                if (!Files.exists(p)) {
                    throw new UsageException("--models " + dir + " lacks " + file
                            + ": write it with scripts/make_inference_fixtures.py --full " + dir);
                }
                models.add(p.toString());
            }
        }
        int cores = Runtime.getRuntime().availableProcessors();
        context.out().printf(Locale.ROOT, "bench predict: YOLOv4-tiny %dx%d, 80 classes, %d photos, batch %d, score %s, "
                + "%s, %d cores%n", SIZE, SIZE, images, batch, options.score(), context.spark().sparkContext().master(),
                cores);
        long modelMaxBytes = DetectArgs.modelMaxBytes(context);
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
            context.out().printf(Locale.ROOT, "%-22s %7.1f images/s over %d (%d boxes); first result %.1f s%n",
                    Path.of(model).getFileName(), s.imagesPerSecond(), s.images(), s.detections(), first);
            if (model.endsWith(".onnx")) {
                onnxModel = model;
                onnxSpark = s.imagesPerSecond();
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

    /** the photos copied round to n files */
    private static Path photos(Path dir, int n) throws IOException {
        Files.createDirectories(dir);
        for (int i = 0; i < n; i++) {
            Path source = DARKNET.resolve(PHOTOS.get(i % PHOTOS.size()));
            if (!Files.exists(source)) {
                throw new UsageException(source + " is missing: install Debian's darknet package (.ci/run does)");
            }
            Files.copy(source, dir.resolve(String.format(Locale.ROOT, "photo-%05d.jpg", i)));
        }
        return dir;
    }

    /**
     * the default recipe's network (YOLOv4-tiny at full width, the reference anchors: no training
     * boxes to fit), fresh weights: speed does not depend on them
     */
    private static String modelZip(Path file) throws IOException {
        List<String> names = new ArrayList<>();
        for (int c = 0; c < 80; c++) {
            names.add("c" + c);
        }
        Recipe recipe = Recipe.of(Settings.load(null, List.of("train.input-size=" + SIZE)), file.toString(),
                file.toString());
        ModelSpec spec = recipe.spec(new ClassList(names), recipe.family().fit(List::of, recipe.seed()));
        ModelArchive.write(new Storage(new Configuration()), file.toString(), spec, spec.newNetwork());
        return file.toString();
    }

    /** images/s of read, decode, detect in batches on one thread, the network on every core */
    private static double plainLoop(String model, Path folder, int batch, int cores, DetectOptions options,
                                    PixelLimit pixelLimit, long modelMaxBytes) throws IOException {
        try (Detector detector = Detectors.open(new Storage(new Configuration()), model, cores, "cpu", modelMaxBytes);
             var listing = Files.list(folder)) {
            List<Path> files = listing.sorted().toList();
            detector.detect(List.of(ImageDecoder.decode(Files.readAllBytes(files.get(0)), "warm-up", pixelLimit)), options);
            long t0 = System.nanoTime();
            for (int from = 0; from < files.size(); from += batch) {
                List<RgbImage> pictures = new ArrayList<>();
                for (Path f : files.subList(from, Math.min(files.size(), from + batch))) {
                    pictures.add(ImageDecoder.decode(Files.readAllBytes(f), f.toString(), pixelLimit));
                }
                detector.detect(pictures, options);
            }
            return files.size() / ((System.nanoTime() - t0) / 1e9);
        }
    }
}
