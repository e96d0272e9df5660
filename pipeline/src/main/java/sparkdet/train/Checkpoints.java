package sparkdet.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.Path;
import org.bytedeco.pytorch.DeviceOptional;
import org.bytedeco.pytorch.InputArchive;
import org.bytedeco.pytorch.Optimizer;
import org.bytedeco.pytorch.OutputArchive;
import sparkdet.io.AtomicOutput;
import sparkdet.io.Storage;
import sparkdet.model.ModelFiles;
import sparkdet.model.Weights;
import sparkdet.model.YoloV4Tiny;

/**
 * Checkpoints under {@code <output>/checkpoints/<name>/}: the weights (parameters and batch-norm
 * statistics), the optimiser's state (momentum buffers), and state.json (the epoch finished, the
 * best validation mAP so far, the classes and anchors). Each is written to a staging folder and
 * renamed into place, so a killed run leaves the previous checkpoint whole. The data order and
 * augmentation of an epoch follow from (seed, epoch), so the epoch is the random state.
 */
final class Checkpoints {
    static final String LAST = "last";
    static final String BEST = "best";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Storage storage;
    private final Path dir;

    Checkpoints(Storage storage, Path output) {
        this.storage = storage;
        this.dir = new Path(output, "checkpoints");
    }

    /** what a checkpoint says besides its tensors */
    record State(int epoch, double bestMap, List<String> classes, List<List<Double>> anchors) {
    }

    void save(String name, YoloV4Tiny model, Optimizer optimizer, State state) throws IOException {
        AtomicOutput out = AtomicOutput.begin(storage, new Path(dir, name), true);
        try {
            try (var w = storage.create(out.resolve("weights.pt"))) {
                Weights.save(model, w);
            }
            java.nio.file.Path tmp = Files.createTempFile("sparkdet-optimizer", ".pt");
            try {
                OutputArchive archive = new OutputArchive();
                optimizer.save(archive);
                archive.save_to(tmp.toString());
                storage.writeBytes(out.resolve("optimizer.pt"), Files.readAllBytes(tmp));
            } finally {
                Files.deleteIfExists(tmp);
            }
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("epoch", state.epoch());
            json.put("best_map50", state.bestMap());
            json.put("classes", state.classes());
            json.put("anchors", state.anchors());
            storage.writeText(out.resolve("state.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(json));
            out.commit();
        } catch (IOException | RuntimeException e) {
            out.abort();
            throw e;
        }
    }

    boolean exists(String name) throws IOException {
        return storage.exists(new Path(new Path(dir, name), AtomicOutput.SUCCESS));
    }

    State state(String name) throws IOException {
        var j = JSON.readTree(storage.readBytes(new Path(new Path(dir, name), "state.json"), 1 << 20));
        List<String> classes = new java.util.ArrayList<>();
        j.get("classes").forEach(n -> classes.add(n.asText()));
        List<List<Double>> anchors = new java.util.ArrayList<>();
        j.get("anchors").forEach(pair -> anchors.add(List.of(pair.get(0).asDouble(), pair.get(1).asDouble())));
        return new State(j.get("epoch").asInt(), j.get("best_map50").asDouble(), classes, anchors);
    }

    /** the checkpoint's weights into the model and its momentum into the optimiser */
    void restore(String name, YoloV4Tiny model, Optimizer optimizer) throws IOException {
        Path cp = new Path(dir, name);
        Path weights = new Path(cp, "weights.pt");
        Weights.load(model, storage.readBytes(weights, Long.MAX_VALUE), weights.toString(), ModelFiles.MAX_BYTES_CEILING);
        java.nio.file.Path tmp = Files.createTempFile("sparkdet-optimizer", ".pt");
        try {
            Files.write(tmp, storage.readBytes(new Path(cp, "optimizer.pt"), Long.MAX_VALUE));
            InputArchive archive = new InputArchive();
            // the optimiser's state (momentum) where the model's parameters are
            archive.load_from(tmp.toString(), new DeviceOptional(model.device()));
            optimizer.load(archive);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    Path path(String name) {
        return new Path(dir, name);
    }
}
