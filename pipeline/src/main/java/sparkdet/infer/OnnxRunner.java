package sparkdet.infer;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import sparkdet.io.InputUnusableException;
import sparkdet.model.RawOutputs;
import sparkdet.runtime.NativeCache;

/**
 * An ONNX file run by ONNX Runtime, on the CPU with {@code threads} intra-op threads (the task's
 * cores), or with the CUDA execution provider on a GPU build.
 * A model exported with a fixed batch size gets the batch in pieces of that size.
 */
final class OnnxRunner implements ModelRunner {
    private static final long LOAD_STACK_BYTES = 64L << 20;

    static {
        // before ONNX Runtime's first class: its libraries from the native cache, not a new temp folder
        NativeCache.prepareOnnxRuntime();
    }
    private final OrtEnvironment env;
    private final OrtSession session;
    private final String inputName;
    private final long[] inputShape;
    private final List<String> outputNames;
    private final String source;

    /**
     * @param cudaDevice the CUDA device to run on (onnxruntime_gpu, the gpu profile's), or -1 for the CPU
     */
    OnnxRunner(byte[] model, int threads, int cudaDevice, String source) {
        this.source = source;
        try {
            env = onLargeStack(OnnxRunner::environment);
            session = onLargeStack(() -> {
                OrtSession.SessionOptions options = new OrtSession.SessionOptions();
                options.setIntraOpNumThreads(threads);
                options.setInterOpNumThreads(1);
                options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
                if (cudaDevice >= 0) {
                    options.addCUDA(cudaDevice);
                }
                return env.createSession(model, options);
            });
            if (session.getNumInputs() != 1) {
                throw new InputUnusableException(source + ": a detector takes one input (the images), this model "
                        + "takes " + session.getNumInputs() + ": " + session.getInputNames());
            }
            Map.Entry<String, NodeInfo> input = session.getInputInfo().entrySet().iterator().next();
            inputName = input.getKey();
            inputShape = ((TensorInfo) input.getValue().getInfo()).getShape();
            if (inputShape.length != 4 || (inputShape[1] > 0 && inputShape[1] != 3)) {
                throw new InputUnusableException(source + ": input '" + inputName + "' has shape "
                        + java.util.Arrays.toString(inputShape) + ", not [N, 3, H, W]");
            }
            outputNames = new ArrayList<>(session.getOutputNames());
        } catch (OrtException e) {
            throw new InputUnusableException(source + ": ONNX Runtime cannot load it: "
                    + e.getMessage().lines().findFirst().orElse(""), e);
        }
    }

    /**
     * ONNX Runtime's initialisation and graph optimisation run deep on the calling thread's stack:
     * on a JVM thread with the default 1 MB (the launcher's main thread, Spark's task threads) it
     * segfaults now and then, so it runs on a thread of its own with room to spare
     */
    private static <T> T onLargeStack(Callable<T> work) throws OrtException {
        Object[] result = new Object[1];
        Throwable[] failure = new Throwable[1];
        Thread t = new Thread(null, () -> {
            try {
                result[0] = work.call();
            } catch (Throwable e) {
                failure[0] = e;
            }
        }, "sparkdet-onnx-load", LOAD_STACK_BYTES);
        t.start();
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while ONNX Runtime loaded a model", e);
        }
        if (failure[0] instanceof OrtException e) {
            throw e;
        }
        if (failure[0] instanceof RuntimeException e) {
            throw e;
        }
        if (failure[0] != null) {
            throw new IllegalStateException(failure[0]);
        }
        @SuppressWarnings("unchecked")
        T value = (T) result[0];
        return value;
    }

    /**
     * ONNX Runtime's process-wide environment, with its event telemetry off. The device id it
     * writes while the environment is created only ORT_DISABLE_TELEMETRY=1 prevents (bin/sparkdet
     * and spark.executorEnv set it).
     */
    private static OrtEnvironment environment() throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        env.setTelemetry(false);
        return env;
    }

    /** whether this build of ONNX Runtime has the CUDA execution provider (onnxruntime_gpu) */
    static boolean cudaProviderPresent() {
        return OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA);
    }

    /** the input's side when the file fixes it (square or not: height), else -1 */
    int fixedInputHeight() {
        return (int) inputShape[2];
    }

    int fixedInputWidth() {
        return (int) inputShape[3];
    }

    @Override
    public RawOutputs run(float[] images, int n, int height, int width) {
        int piece = inputShape[0] > 0 ? (int) inputShape[0] : n;
        if (piece >= n) {
            return runOnce(FloatBuffer.wrap(images), n, height, width);
        }
        List<RawOutputs> parts = new ArrayList<>();
        int per = 3 * height * width;
        for (int from = 0; from < n; from += piece) {
            if (n - from < piece) {
                float[] padded = new float[piece * per];   // the model takes exactly `piece` images
                System.arraycopy(images, from * per, padded, 0, (n - from) * per);
                parts.add(trim(runOnce(FloatBuffer.wrap(padded), piece, height, width), n - from));
            } else {
                parts.add(runOnce(FloatBuffer.wrap(images, from * per, piece * per).slice(), piece, height, width));
            }
        }
        return concat(parts);
    }

    private RawOutputs runOnce(FloatBuffer images, int n, int height, int width) {
        try (OnnxTensor input = OnnxTensor.createTensor(env, images, new long[] {n, 3, height, width});
             OrtSession.Result result = session.run(Map.of(inputName, input))) {
            float[][] values = new float[outputNames.size()][];
            long[][] shapes = new long[outputNames.size()][];
            for (int i = 0; i < outputNames.size(); i++) {
                OnnxTensor t = (OnnxTensor) result.get(i);
                shapes[i] = t.getInfo().getShape();
                FloatBuffer buffer = t.getFloatBuffer();
                if (buffer == null) {
                    throw new IllegalArgumentException(source + ": output '" + outputNames.get(i) + "' is "
                            + t.getInfo().type + ", not float");
                }
                values[i] = new float[buffer.remaining()];
                buffer.get(values[i]);
            }
            return new RawOutputs(values, shapes);
        } catch (OrtException e) {
            throw new IllegalStateException(source + ": ONNX Runtime failed on a batch of " + n + " images of "
                    + width + "x" + height + ": " + e.getMessage(), e);
        }
    }

    private static RawOutputs trim(RawOutputs r, int keep) {
        float[][] values = new float[r.values().length][];
        long[][] shapes = new long[r.shapes().length][];
        for (int i = 0; i < values.length; i++) {
            int per = (int) (r.values()[i].length / r.shapes()[i][0]);
            values[i] = java.util.Arrays.copyOf(r.values()[i], keep * per);
            shapes[i] = r.shapes()[i].clone();
            shapes[i][0] = keep;
        }
        return new RawOutputs(values, shapes);
    }

    private static RawOutputs concat(List<RawOutputs> parts) {
        int outputs = parts.get(0).values().length;
        float[][] values = new float[outputs][];
        long[][] shapes = new long[outputs][];
        for (int i = 0; i < outputs; i++) {
            int total = 0;
            long batch = 0;
            for (RawOutputs p : parts) {
                total += p.values()[i].length;
                batch += p.shapes()[i][0];
            }
            values[i] = new float[total];
            int at = 0;
            for (RawOutputs p : parts) {
                System.arraycopy(p.values()[i], 0, values[i], at, p.values()[i].length);
                at += p.values()[i].length;
            }
            shapes[i] = parts.get(0).shapes()[i].clone();
            shapes[i][0] = batch;
        }
        return new RawOutputs(values, shapes);
    }

    @Override
    public String describe() {
        return "ONNX Runtime " + source;
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException(source + ": closing the ONNX session: " + e.getMessage(), e);
        }
    }
}
