package sparkdet.train;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MemoryGuardTest {
    @Test
    void anAllocationFailureSaysWhatWasTrainedAndWhatToLower() {
        RuntimeException libtorch = new RuntimeException("[enforce fail at alloc_cpu.cpp:117] data. "
                + "DefaultCPUAllocator: can't allocate memory: you tried to allocate 95551488000 bytes.\nframe #0 ...");
        RuntimeException e = MemoryGuard.explain(libtorch, 64, 608, "yolov4-tiny phi0");
        assertThat(e).isInstanceOf(OutOfMemoryException.class).hasCause(libtorch);
        assertThat(e.getMessage()).contains("batch of 64 images at 608x608", "train.batch-size", "train.input-size",
                "can't allocate memory: you tried to allocate 95551488000 bytes").doesNotContain("frame #0");
    }

    @Test
    void aCudaAllocationFailureSuggestsABiggerGpuNotExecutorMemory() {
        RuntimeException libtorch = new RuntimeException("CUDA out of memory. Tried to allocate 2.00 GiB. GPU 0 has a "
                + "total capacity of 79.19 GiB of which 1.02 GiB is free.\nException raised from malloc");
        String message = MemoryGuard.explain(libtorch, 256, 1280, "yolov4-tiny phi0").getMessage();
        assertThat(message).contains("batch of 256 images at 1280x1280", "GPU with more memory", "Tried to allocate 2.00 GiB")
                .doesNotContain("spark.executor.memory", "Exception raised from");
    }

    @Test
    void javaCppsLimitOnTheProcessSaysWhatToLowerAndWhichLimitItWas() {
        // what JavaCPP throws when a rank's activations push the process past maxPhysicalBytes
        // (two YOLOv4 ranks at 416, batch 8, in one 4 GB-heap JVM)
        OutOfMemoryError javacpp = new OutOfMemoryError("Physical memory usage is too high: physicalBytes (14596M) > "
                + "maxPhysicalBytes (14564M)");
        RuntimeException e = MemoryGuard.explain(javacpp, 8, 416, "yolov4 cspdarknet53");
        assertThat(e).isInstanceOf(OutOfMemoryException.class).hasCause(javacpp);
        assertThat(e.getMessage()).contains("batch of 8 images at 416x416 (yolov4 cspdarknet53)", "train.batch-size",
                "train.workers", "org.bytedeco.javacpp.maxPhysicalBytes", "physicalBytes (14596M)");
    }

    @Test
    void otherErrorsPassUnchanged() {
        RuntimeException other = new IllegalArgumentException("3 box lists for a batch of 4");
        assertThat(MemoryGuard.explain(other, 4, 416, "yolov4-tiny phi0")).isSameAs(other);
    }
}
