package sparkdet.batches;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import sparkdet.data.ImageRecord;
import sparkdet.image.PixelFormat;
import sparkdet.transforms.Augmentation;
import sparkdet.transforms.Sample;
import sparkdet.testing.TestSpark;

/**
 * Prints how many 416x416 samples per second one thread makes from darknet's dog.jpg, for each
 * kind of sample (training runs at ~10-30 images/s per core, so the loader must cost a fraction
 * of that). Per wall second, and per second of the process's CPU time, which other processes on a
 * busy machine do not distort. No timing is asserted: machines differ; what each sample holds is.
 */
class LoaderThroughputTest {
    private static final int WARMUP = 20;
    private static final int SAMPLES = 120;
    private static final OperatingSystemMXBean CPU =
            (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    @Test
    void oneThreadMakesSamplesFromDogJpg() throws Exception {
        ImageRecord dog = Shards.dog();
        byte[] bytes = Files.readAllBytes(Shards.darknet("dog.jpg"));
        ImageSource source = uri -> bytes;
        Augmentation defaults = Augmentation.defaults();
        report("letterbox only", dog, source, Augmentation.none());
        report("single image", dog, source, defaults.withMosaicProbability(0));
        report("mosaic", dog, source, defaults.withMosaicProbability(1));
        report("defaults (mosaic 0.5)", dog, source, defaults);
    }

    private static void report(String what, ImageRecord dog, ImageSource source, Augmentation aug) {
        LoaderOptions options = LoaderOptions.training(1, 416, PixelFormat.unit(), 0, 0, TestSpark.pixelLimit()).withAugmentation(aug);
        SampleMaker maker = new SampleMaker(List.of(dog), source, options);
        for (int i = 0; i < WARMUP; i++) {
            maker.make(i, 0);
        }
        long t0 = System.nanoTime();
        long cpu0 = CPU.getProcessCpuTime();
        int boxes = 0;
        for (int i = 0; i < SAMPLES; i++) {
            Optional<Sample> s = maker.make(WARMUP + i, 0);
            assertThat(s).isPresent();
            assertThat(s.get().image().width()).isEqualTo(416);
            boxes += s.get().boxes().size();
            Batch.of(List.of(s.get()), List.of(dog.imageId), 416, options.pixels().table());
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        double cpuSeconds = (CPU.getProcessCpuTime() - cpu0) / 1e9;
        assertThat(boxes).isPositive();
        System.out.printf(Locale.ROOT, "loader throughput, %-22s %6.1f samples/s, %6.1f samples per CPU-second"
                + " (one thread, 416x416, dog.jpg)%n", what + ":", SAMPLES / seconds, SAMPLES / cpuSeconds);
    }
}
