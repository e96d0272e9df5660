package sparkdet.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.ByteArrayOutputStream;
import java.util.Random;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Device;
import org.junit.jupiter.api.Test;

/**
 * Device choice and placement. On the CPU build {@code auto} is the CPU; on a GPU build with a
 * device the same tests check that the model, its input and the loss's targets follow it and give
 * the CPU's numbers.
 */
class DevicesTest {
    @Test
    void autoIsCudaExactlyWhenLibtorchSeesADevice() {
        Device auto = Devices.select("auto", 0);
        assertThat(auto.is_cuda()).isEqualTo(Devices.cudaDevices() > 0);
        assertThat(Devices.select("cpu", 3).is_cuda()).isFalse();
        assertThat(Devices.name(Devices.select("CPU", 0))).isEqualTo("cpu");
    }

    @Test
    void askingForCudaWithoutADeviceSaysHowToGetOne() {
        assumeThat(Devices.cudaDevices()).isZero();
        assertThatThrownBy(() -> Devices.select("cuda", 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no CUDA device").hasMessageContaining("mvn -Pgpu");
        assertThatThrownBy(() -> Devices.select("gpu0", 0)).hasMessageContaining("auto, cpu, cuda or cuda:N");
    }

    /** the same weights on the chosen device predict and score a batch as they do on the CPU */
    @Test
    void aModelMovedToTheChosenDeviceMatchesTheCpu() throws Exception {
        try (PointerScope scope = new PointerScope()) {
            Network cpu = TestModels.network(3, 0.25);
            Network moved = TestModels.network(3, 0.25);
            ByteArrayOutputStream weights = new ByteArrayOutputStream();
            Weights.save(cpu, weights);
            Weights.load(moved, weights.toByteArray(), "cpu model", ModelFiles.MAX_BYTES_CEILING);
            Device device = Devices.select("auto", 0);
            moved.moveTo(device);
            assertThat(Devices.name(moved.device())).isEqualTo(Devices.name(device));
            assertThat(moved.namedParameters().values().stream().allMatch(p -> p.is_cuda() == device.is_cuda())).isTrue();

            int n = 2;
            int size = 64;
            float[] images = new float[n * 3 * size * size];
            Random random = new Random(5);
            for (int i = 0; i < images.length; i++) {
                images[i] = random.nextFloat();
            }
            float[][] expected = cpu.predict(images, n, size, size).values();
            float[][] actual = moved.predict(images, n, size, size).values();
            for (int h = 0; h < expected.length; h++) {
                assertThat(actual[h]).containsExactly(expected[h], org.assertj.core.data.Offset.offset(1e-4f));
            }

            Targets boxes = new Targets(new float[][][] {{{4, 6, 30, 40, 1}}, {{10, 10, 60, 50, 2}, {0, 0, 12, 12, 0}}});
            Loss loss = TestModels.yolov4Tiny(3, 0.25, size).newLoss(0);
            float cpuLoss = new TrainingStep(cpu, loss, TrainingStep.Kind.SGD, 0.01, 0.9, 0)
                    .validate(images, size, size, boxes);
            float movedLoss = new TrainingStep(moved, loss, TrainingStep.Kind.SGD, 0.01, 0.9, 0)
                    .validate(images, size, size, boxes);
            assertThat(movedLoss).isCloseTo(cpuLoss, org.assertj.core.data.Offset.offset(1e-4f * Math.abs(cpuLoss)));
            assertThat(cpuLoss).isPositive();
        }
    }
}
