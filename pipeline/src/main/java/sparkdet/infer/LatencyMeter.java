package sparkdet.infer;

import java.util.Arrays;
import java.util.List;
import sparkdet.image.ImageDecoder;
import sparkdet.image.PixelLimit;
import sparkdet.image.RgbImage;
import sparkdet.model.Task;

/**
 * The fps mode of the YOLO repositories: after a warm-up, the same image through the whole detect
 * path (decode, letterbox and normalise, network, decode the outputs and NMS) {@code runs} times,
 * and the network alone as many times; the mean, median and 95th percentile of each.
 */
public final class LatencyMeter {
    private LatencyMeter() {
    }

    /** seconds per image */
    public record Latency(double mean, double p50, double p95) {
        public double fps() {
            return 1 / mean;
        }

        static Latency of(long[] nanos) {
            long[] sorted = nanos.clone();
            Arrays.sort(sorted);
            double mean = Arrays.stream(sorted).average().orElse(Double.NaN) / 1e9;
            return new Latency(mean, percentile(sorted, 0.50) / 1e9, percentile(sorted, 0.95) / 1e9);
        }

        /** nearest rank */
        private static double percentile(long[] sorted, double q) {
            int rank = (int) Math.ceil(q * sorted.length);
            return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
        }
    }

    /** @param detections boxes found, or for a segmentation model the classes present besides the background */
    public record Report(Latency wholePath, Latency networkOnly, int detections) {
    }

    /** the whole path of one picture: its boxes, or its class map at its size */
    private static int results(Detector detector, RgbImage image, DetectOptions options) {
        if (detector.spec().task() == Task.SEGMENT) {
            long[] pixels = detector.segment(List.of(image)).get(0).histogram();
            return (int) Arrays.stream(pixels, 1, pixels.length).filter(n -> n > 0).count();
        }
        return detector.detect(List.of(image), options).get(0).size();
    }

    public static Report measure(Detector detector, byte[] encoded, String name, int warmup, int runs,
                                 DetectOptions options, PixelLimit pixelLimit) throws java.io.IOException {
        if (runs < 1 || warmup < 0) {
            throw new IllegalArgumentException("runs >= 1 and warm-up >= 0, not " + runs + " and " + warmup);
        }
        int found = 0;
        for (int i = 0; i < warmup; i++) {
            found = results(detector, ImageDecoder.decode(encoded, name, pixelLimit), options);
        }
        long[] whole = new long[runs];
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            RgbImage image = ImageDecoder.decode(encoded, name, pixelLimit);
            found = results(detector, image, options);
            whole[i] = System.nanoTime() - t0;
        }
        Detector.Prepared prepared = detector.prepare(List.of(ImageDecoder.decode(encoded, name, pixelLimit)));
        long[] network = new long[runs];
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            detector.run(prepared);
            network[i] = System.nanoTime() - t0;
        }
        return new Report(Latency.of(whole), Latency.of(network), found);
    }
}
