package sparkdet.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import sparkdet.data.ClassList;

/**
 * Prints training throughput in images/s: TrainingStep's forward, loss, backward and SGD step on a
 * fixed batch of 20-class boxes. Run with OMP_NUM_THREADS set to the cores to use, e.g.
 * {@code OMP_NUM_THREADS=2 java -cp ... sparkdet.model.TrainSpeedMain 1.0 416 8 10}
 * (width, input size, batch, timed steps after two untimed ones).
 */
public final class TrainSpeedMain {
    private static final int WARMUP = 2;

    private TrainSpeedMain() {
    }

    public static void main(String[] args) {
        double width = Double.parseDouble(args[0]);
        int size = Integer.parseInt(args[1]);
        int batch = Integer.parseInt(args[2]);
        int steps = Integer.parseInt(args[3]);
        double[] rate = imagesPerSecond(width, size, batch, steps);
        System.out.printf("width %.2f, %dx%d, batch %d: %.2f images/s over %d steps, %.2f in the fastest step (OMP_NUM_THREADS=%s)%n",
                width, size, size, batch, rate[0], steps, rate[1], System.getenv("OMP_NUM_THREADS"));
    }

    /**
     * @return images/s over all timed steps, and in the fastest one (the better estimate on a
     *     machine shared with other work)
     */
    static double[] imagesPerSecond(double width, int size, int batch, int steps) {
        List<String> names = new ArrayList<>();
        for (int c = 0; c < 20; c++) {
            names.add("class" + c);
        }
        ModelSpec spec = TestModels.yolov4Tiny(new ClassList(names), width, TestModels.defaultAnchors(), size, size);
        TrainingStep step = new TrainingStep(spec.newNetwork(), spec.newLoss(0), TrainingStep.Kind.SGD, 1e-3, 0.937, 5e-4);
        Random random = new Random(0);
        float[] images = new float[batch * 3 * size * size];
        for (int i = 0; i < images.length; i++) {
            images[i] = random.nextFloat();
        }
        float s = size / 8f;
        float[][][] boxes = new float[batch][][];
        for (int b = 0; b < batch; b++) {
            boxes[b] = new float[][] {{s, s, 3 * s, 4 * s, b % 20}, {4 * s, 2 * s, 7 * s, 7 * s, (b + 1) % 20}, {2 * s, 5 * s, 3 * s, 6 * s, 3}};
        }
        for (int i = 0; i < WARMUP; i++) {
            step.train(images, size, size, new Targets(boxes));
        }
        long total = 0;
        long fastest = Long.MAX_VALUE;
        for (int i = 0; i < steps; i++) {
            long t0 = System.nanoTime();
            step.train(images, size, size, new Targets(boxes));
            long t = System.nanoTime() - t0;
            total += t;
            fastest = Math.min(fastest, t);
        }
        return new double[] {steps * batch / (total / 1e9), batch / (fastest / 1e9)};
    }
}
