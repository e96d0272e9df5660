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
        System.out.printf("width %.2f, %dx%d, batch %d: %.2f images/s (OMP_NUM_THREADS=%s)%n", width, size, size, batch,
                imagesPerSecond(width, size, batch, steps), System.getenv("OMP_NUM_THREADS"));
    }

    static double imagesPerSecond(double width, int size, int batch, int steps) {
        List<String> names = new ArrayList<>();
        for (int c = 0; c < 20; c++) {
            names.add("class" + c);
        }
        ModelSpec spec = ModelSpec.yolov4Tiny(new ClassList(names), width, Anchors.yolov4TinyDefaults(), size, size);
        TrainingStep step = new TrainingStep(spec.newModel(), spec.newLoss(0), TrainingStep.Kind.SGD, 1e-3, 0.937, 5e-4);
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
        long start = 0;
        for (int i = 0; i < WARMUP + steps; i++) {
            if (i == WARMUP) {
                start = System.nanoTime();
            }
            step.train(images, boxes);
        }
        return (double) steps * batch / ((System.nanoTime() - start) / 1e9);
    }
}
