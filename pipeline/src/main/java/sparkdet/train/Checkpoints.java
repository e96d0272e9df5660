package sparkdet.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import org.apache.hadoop.fs.Path;
import org.bytedeco.pytorch.DeviceOptional;
import org.bytedeco.pytorch.InputArchive;
import org.bytedeco.pytorch.Optimizer;
import org.bytedeco.pytorch.OutputArchive;
import sparkdet.io.AtomicOutput;
import sparkdet.io.Storage;
import sparkdet.model.FamilyOptions;
import sparkdet.model.FamilyRecipe;
import sparkdet.model.ModelFiles;
import sparkdet.model.ModelSpec;
import sparkdet.model.Network;
import sparkdet.model.Weights;

/**
 * Checkpoints under {@code <output>/checkpoints/<name>/}: the weights (parameters and batch-norm
 * statistics), the optimiser's state (momentum buffers), and state.json (the epoch finished, the
 * best validation mAP so far, the steps of the weight average, the classes, and the family's options under their model.json names,
 * e.g. the anchors k-means fitted, which a resumed run must keep), and with {@code ema} on the
 * weight average (average.pt). Each is written to a staging folder and
 * renamed into place, so a killed run leaves the previous checkpoint whole. The data order and
 * augmentation of an epoch follow from (seed, epoch), so the epoch is the random state.
 */
final class Checkpoints {
    static final String LAST = "last";
    static final String BEST = "best";
    private static final String AVERAGE = "average.pt";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Storage storage;
    private final Path dir;

    Checkpoints(Storage storage, Path output) {
        this.storage = storage;
        this.dir = new Path(output, "checkpoints");
    }

    /**
     * where a run stands
     *
     * @param averageUpdates the steps the weight average has taken in ({@link WeightAverage}; 0 without)
     */
    record State(int epoch, double bestMap, long averageUpdates) {
    }

    /** @param average the weight average, saved beside the weights; null when the run keeps none */
    void save(String name, Network model, Optimizer optimizer, WeightAverage average, State state, ModelSpec spec)
            throws IOException {
        AtomicOutput out = AtomicOutput.begin(storage, new Path(dir, name), true);
        try {
            try (var w = storage.create(out.resolve("weights.pt"))) {
                Weights.save(model, w);
            }
            if (average != null) {
                try (var w = storage.create(out.resolve(AVERAGE))) {
                    Weights.save(average.network(), w);
                }
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
            ObjectNode json = JSON.createObjectNode();
            json.put("epoch", state.epoch());
            json.put("best_map50", state.bestMap());
            json.put("ema_updates", state.averageUpdates());
            spec.classes().names().forEach(json.putArray("classes")::add);
            spec.options().writeTo(json);
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
        JsonNode j = stateJson(name);
        // checkpoints written before the weight average existed have no ema_updates
        return new State(j.get("epoch").asInt(), j.get("best_map50").asDouble(), j.path("ema_updates").asLong(0));
    }

    /** the options the checkpointed run trained with, as its family reads them back */
    FamilyOptions options(String name, FamilyRecipe recipe) throws IOException {
        return recipe.resume(stateJson(name));
    }

    private JsonNode stateJson(String name) throws IOException {
        return JSON.readTree(storage.readBytes(new Path(new Path(dir, name), "state.json"), 1 << 20));
    }

    /** the checkpoint's weights into the model and its momentum into the optimiser */
    void restore(String name, Network model, Optimizer optimizer) throws IOException {
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

    /** whether the checkpoint holds a weight average (one written with ema on) */
    boolean hasAverage(String name) throws IOException {
        return storage.exists(new Path(new Path(dir, name), AVERAGE));
    }

    /** the checkpoint's weight average into a network */
    void restoreAverage(String name, Network average) throws IOException {
        Path file = new Path(new Path(dir, name), AVERAGE);
        Weights.load(average, storage.readBytes(file, Long.MAX_VALUE), file.toString(), ModelFiles.MAX_BYTES_CEILING);
    }

    Path path(String name) {
        return new Path(dir, name);
    }
}
