package sparkdet.infer;

import java.io.IOException;
import java.nio.file.Files;
import java.util.Locale;
import org.apache.hadoop.fs.Path;
import org.bytedeco.pytorch.Device;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sparkdet.io.InputUnusableException;
import sparkdet.io.Storage;
import sparkdet.model.Devices;
import sparkdet.model.ModelArchive;
import sparkdet.model.ModelFiles;
import sparkdet.model.ModelSpec;
import sparkdet.model.Task;
import sparkdet.model.Torch;
import sparkdet.model.Network;
import sparkdet.model.Weights;

/**
 * Opens a model by its file name: {@code .zip} is sparkdet's own model.zip (libtorch), {@code .onnx}
 * an ONNX file (ONNX Runtime), {@code .pt}/{@code .torchscript} a TorchScript file (libtorch),
 * {@code .pth} a PyTorch state dict of a network sparkdet trains (its family found through the
 * sidecar); the imported ones with their sidecar ({@link Sidecar}).
 */
public final class Detectors {
    private static final Logger LOG = LoggerFactory.getLogger(Detectors.class);

    private Detectors() {
    }

    /**
     * @param threads the network's intra-op threads (a task's cores)
     * @param device auto, cpu, cuda or cuda:N (ONNX models use ONNX Runtime's CUDA provider on a GPU build)
     * @param maxBytes models.max-bytes: the most the file, and each record, storage or tensor in it, may hold
     */
    public static Detector open(Storage storage, String uri, int threads, String device, long maxBytes)
            throws IOException {
        Path path = Storage.path(uri);
        if (!storage.exists(path)) {
            throw new InputUnusableException("model " + path + " does not exist");
        }
        String name = path.getName().toLowerCase(Locale.ROOT);
        long t0 = System.nanoTime();
        Detector detector;
        if (name.endsWith(".onnx")) {
            detector = onnx(storage, path, threads, onnxCudaDevice(device), maxBytes);
        } else if (name.endsWith(".pt") || name.endsWith(".torchscript")) {
            InferenceSpec spec = Sidecar.read(storage, path, -1).spec();
            ModelFiles.requireSize(storage, path, maxBytes);
            Torch.load();
            org.bytedeco.pytorch.global.torch.set_num_threads(threads);
            detector = new Detector(new TorchScriptRunner(localCopy(storage, path), Devices.select(device, 0),
                    path.toString()), spec);
        } else if (name.endsWith(".pth")) {
            detector = stateDict(storage, path, threads, device, maxBytes);
        } else if (name.endsWith(".zip")) {
            ModelArchive.Loaded loaded = ModelArchive.read(storage, uri, maxBytes);
            ModelSpec s = loaded.spec();
            if (s.inputHeight() != s.inputWidth()) {
                loaded.model().close();
                throw new InputUnusableException(path + ": non-square input " + s.inputWidth() + "x" + s.inputHeight()
                        + "; predict takes square inputs so far");
            }
            InferenceSpec spec = s.task() == Task.SEGMENT
                    ? InferenceSpec.segmentation(s.classes().names(), s.inputHeight(), s.pixels(), s.resize(), 128)
                    : new InferenceSpec(s.classes().names(), s.inputHeight(), s.pixels(), s.resize(), 128,
                    s.newDecoder());
            detector = ownNetwork(loaded.model(), s, spec, path, threads, device);
        } else {
            throw new InputUnusableException("model " + path + ": expected model.zip (sparkdet), .onnx, .pt "
                    + "(TorchScript) or a .pth state dict of a network sparkdet trains (e.g. YOLOv4-tiny)");
        }
        LOG.info("loaded {} in {} ms", detector.describe(), (System.nanoTime() - t0) / 1_000_000);
        return detector;
    }

    /**
     * a PyTorch state dict of a network sparkdet trains (e.g. bubbliiiing/yolov4-tiny-pytorch's
     * model_data/*.pth) in sparkdet's own network: the sidecar gives what the file lacks (the
     * family by its layout or {@code architecture}, classes, input size, the family's options such
     * as anchors and width); every tensor must fit
     */
    private static Detector stateDict(Storage storage, Path path, int threads, String device, long maxBytes)
            throws IOException {
        Sidecar.Described sidecar = Sidecar.read(storage, path, -1);
        ModelSpec modelSpec = sidecar.modelSpec();
        Network model = modelSpec.newNetwork();
        try {
            Weights.load(model, ModelFiles.read(storage, path, maxBytes), path.toString(), maxBytes);
        } catch (IOException | RuntimeException e) {
            model.close();
            throw e;
        }
        return ownNetwork(model, modelSpec, sidecar.spec(), path, threads, device);
    }

    /** sparkdet's network with its final weights: on its device, its threads set, ready to run */
    private static Detector ownNetwork(Network model, ModelSpec modelSpec, InferenceSpec spec, Path path, int threads,
                                       String device) {
        org.bytedeco.pytorch.global.torch.set_num_threads(threads);
        model.moveTo(Devices.select(device, 0));
        return new Detector(new LibtorchRunner(model, modelSpec.architecture(), path.toString()), spec);
    }

    /** an ONNX file, whose input shape may fix the input size; the session is closed if its sidecar is unusable */
    private static Detector onnx(Storage storage, Path path, int threads, int cudaDevice, long maxBytes)
            throws IOException {
        OnnxRunner runner = new OnnxRunner(ModelFiles.read(storage, path, maxBytes), threads, cudaDevice,
                path.toString());
        try {
            if (runner.fixedInputHeight() != runner.fixedInputWidth()) {
                throw new InputUnusableException(path + ": the model takes non-square input " + runner.fixedInputWidth()
                        + "x" + runner.fixedInputHeight() + "; sparkdet letterboxes to squares");
            }
            return new Detector(runner, Sidecar.read(storage, path, runner.fixedInputHeight()).spec());
        } catch (IOException | RuntimeException e) {
            runner.close();
            throw e;
        }
    }

    /**
     * the CUDA device ONNX Runtime runs on, or -1 for the CPU. libtorch (unpacked and loaded, some
     * 450 MB) is asked only to find or check a GPU that ONNX Runtime can use: never for cpu, nor
     * for auto without the CUDA provider (the default, CPU-only build)
     */
    private static int onnxCudaDevice(String device) {
        String p = device.trim().toLowerCase(Locale.ROOT);
        if (p.equals("cpu") || (p.equals(Devices.AUTO) && !OnnxRunner.cudaProviderPresent())) {
            return -1;
        }
        Device selected = Devices.select(device, 0);
        return selected.is_cuda() ? selected.index() : -1;
    }

    /** libtorch reads TorchScript from a local path: a Hadoop URI is copied to a temporary file first */
    private static String localCopy(Storage storage, Path path) throws IOException {
        if ("file".equals(path.toUri().getScheme()) || path.toUri().getScheme() == null) {
            return path.toUri().getPath();
        }
        java.nio.file.Path tmp = Files.createTempFile("sparkdet-model", ".pt");
        tmp.toFile().deleteOnExit();
        Files.write(tmp, storage.readBytes(path, Long.MAX_VALUE));
        return tmp.toString();
    }
}
