package sparkdet.train;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Turns allocation failures into a message that says what was being trained and what to lower:
 * libtorch's (its CPU allocator's "can't allocate memory", CUDA's "out of memory") and JavaCPP's
 * OutOfMemoryError when the process passes its limit on physical memory; any other error passes
 * unchanged.
 */
final class MemoryGuard {
    private static final Pattern ALLOCATION_FAILED = Pattern.compile(
            "can't allocate memory|out of memory|not enough memory|std::bad_alloc", Pattern.CASE_INSENSITIVE);

    private MemoryGuard() {
    }

    /** @param model what was trained, in a few words (the description's summary) */
    static RuntimeException explain(RuntimeException e, int batch, int inputSize, String model) {
        String message = String.valueOf(e.getMessage());
        if (!ALLOCATION_FAILED.matcher(message).find()) {
            return e;
        }
        String more = message.contains("CUDA") ? "or train on a GPU with more memory"
                : "or give each executor more memory (spark.executor.memory; --driver-memory in local mode)";
        return new OutOfMemoryException(String.format(Locale.ROOT, "out of memory training a batch of %d images at "
                + "%dx%d (%s): lower train.batch-size (and train.freeze-batch-size) or train.input-size, %s. "
                + "libtorch said: %s", batch, inputSize, inputSize, model, more, firstLine(message)), e);
    }

    /**
     * JavaCPP refuses an allocation once the process's resident memory passes
     * org.bytedeco.javacpp.maxPhysicalBytes (by default a multiple of the JVM's -Xmx; bin/sparkdet
     * sets it to 90 % of the machine's memory); the heap's own exhaustion reads the same way
     */
    static RuntimeException explain(OutOfMemoryError e, int batch, int inputSize, String model) {
        return new OutOfMemoryException(String.format(Locale.ROOT, "out of memory training a batch of %d images at "
                + "%dx%d (%s): lower train.batch-size (and train.freeze-batch-size) or train.input-size, train fewer "
                + "workers per machine (train.workers), or give each executor more memory (spark.executor.memory "
                + "and spark.executor.memoryOverhead, which JavaCPP's limit org.bytedeco.javacpp.maxPhysicalBytes "
                + "follows unless set). The JVM said: %s", batch, inputSize, inputSize, model,
                firstLine(String.valueOf(e.getMessage()))), e);
    }

    private static String firstLine(String message) {
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
