package sparkdet.model;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.apache.hadoop.fs.Path;
import sparkdet.io.AtomicOutput;
import sparkdet.io.InputUnusableException;
import sparkdet.io.Storage;

/**
 * A model's parameters and buffers (BatchNorm running statistics included) by state-dict name, in
 * torch.save's zip format: the file is a PyTorch state dict, so torch.load reads sparkdet's weights
 * and sparkdet reads .pth files saved by the YOLO repositories (also the legacy pre-1.6 format).
 */
public final class Weights {
    private static final Logger LOG = LoggerFactory.getLogger(Weights.class);
    private Weights() {
    }

    public static void save(YoloV4Tiny model, OutputStream out) throws IOException {
        try (PointerScope scope = new PointerScope()) {
            TorchSaveWriter.write(model.stateDict(), out);
        }
    }

    /** writes the weights to a URI (or local path), whole or not at all */
    public static void save(YoloV4Tiny model, Storage storage, String uri) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        save(model, bytes);
        AtomicOutput.writeFile(storage, Storage.path(uri), bytes.toByteArray());
    }

    /** {@link #loadMatching(YoloV4Tiny, byte[], String)} of a file at a URI (or local path) */
    public static LoadReport loadMatching(YoloV4Tiny model, Storage storage, String uri, long maxBytes)
            throws IOException {
        return loadMatching(model, ModelFiles.read(storage, Storage.path(uri), maxBytes), uri, maxBytes);
    }

    /**
     * loads every tensor of the file whose name and shape match, converting its dtype to the model's
     *
     * @param maxBytes models.max-bytes: the most a record, storage or tensor of the file may hold
     */
    public static LoadReport loadMatching(YoloV4Tiny model, byte[] file, String source, long maxBytes) {
        return loadMatching(model::stateDict, file, source, maxBytes, YoloV4Tiny::shapeHint);
    }

    /**
     * {@link #loadMatching(YoloV4Tiny, byte[], String, long)} for any network: loads every tensor of
     * the file whose name and shape match one of the model's, converting its dtype to the model's
     *
     * @param stateDict the model's parameters and buffers by state-dict name (called once, inside
     *     this method's PointerScope, so the tensor handles it makes are freed on return)
     * @param shapeHint appended to the reason a tensor's shape differs from the file's ("" for none)
     */
    public static LoadReport loadMatching(Supplier<Map<String, Tensor>> stateDict, byte[] file, String source,
            long maxBytes, UnaryOperator<String> shapeHint) {
        try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
            Map<String, Tensor> stored = TorchFileReader.read(file, source, maxBytes);
            List<String> loaded = new ArrayList<>();
            List<LoadReport.Skipped> skipped = new ArrayList<>();
            Map<String, Tensor> target = stateDict.get();
            for (Map.Entry<String, Tensor> e : target.entrySet()) {
                String name = e.getKey();
                Tensor have = e.getValue();
                Tensor found = stored.get(name);
                if (found == null) {
                    skipped.add(new LoadReport.Skipped(name, "missing in the file"));
                    continue;
                }
                long[] fileShape = found.sizes().vec().get();
                long[] modelShape = have.sizes().vec().get();
                if (!Arrays.equals(fileShape, modelShape)) {
                    skipped.add(new LoadReport.Skipped(name, "file " + Arrays.toString(fileShape) + ", model "
                            + Arrays.toString(modelShape) + shapeHint.apply(name)));
                    continue;
                }
                have.copy_(found);
                loaded.add(name);
            }
            List<String> unused = new ArrayList<>(stored.keySet());
            unused.removeAll(target.keySet());
            LoadReport report = new LoadReport(source, loaded, skipped, unused);
            LOG.info("{}", report);
            return report;
        }
    }

    /**
     * every tensor of a torch.save file (zip or legacy format) whose pickle is a dict of tensors, by
     * key, on the CPU in the file's dtypes: a state dict, or a dict of reference values
     */
    public static Map<String, Tensor> read(byte[] file, String source, long maxBytes) {
        return TorchFileReader.read(file, source, maxBytes);
    }

    /**
     * Starting weights for training: a sparkdet model.zip (its weights.pth), a checkpoint's weights
     * or a PyTorch .pth state dict. Every tensor whose name and shape match is loaded; a partial load
     * is a warning with the report (a changed class count leaves the head outputs fresh), and a file
     * that fills no backbone weight is refused: it was made for another network or another width.
     */
    public static LoadReport loadPretrained(YoloV4Tiny model, Storage storage, String uri, long maxBytes)
            throws IOException {
        Path path = Storage.path(uri);
        LoadReport report = loadMatching(model, ModelArchive.weightsOf(ModelFiles.read(storage, path, maxBytes),
                path.toString(), maxBytes), path.toString(), maxBytes);
        // a weight, not a scalar buffer such as num_batches_tracked, which fits any width
        if (report.loaded().stream().noneMatch(name -> name.startsWith(YoloV4Tiny.BACKBONE_PREFIX)
                && name.endsWith(".weight"))) {
            throw new InputUnusableException("train.pretrained: " + path + " fills no backbone weight of the model "
                    + "(another network, width or file?): " + report.summary());
        }
        if (!report.skipped().isEmpty()) {
            LOG.warn("train.pretrained loaded in part: {}", report);
        }
        return report;
    }

    /** loads a file that must fill the whole model, as sparkdet's own weights do */
    public static void load(YoloV4Tiny model, byte[] file, String source, long maxBytes) {
        LoadReport report = loadMatching(model, file, source, maxBytes);
        if (!report.complete()) {
            throw new InputUnusableException(source + " does not fit the model: " + report.summary());
        }
    }
}
