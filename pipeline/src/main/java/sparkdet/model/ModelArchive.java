package sparkdet.model;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sparkdet.data.ClassList;
import sparkdet.io.AtomicOutput;
import sparkdet.io.Storage;

/**
 * model.zip: model.json ({@link ModelSpec}) and weights.pth (the state dict, see {@link Weights}),
 * on any Hadoop file system. Written beside the target under a hidden name and renamed into place,
 * so readers never see a partial archive.
 */
public final class ModelArchive {
    private static final Logger LOG = LoggerFactory.getLogger(ModelArchive.class);
    public static final String SPEC_ENTRY = "model.json";
    public static final String WEIGHTS_ENTRY = "weights.pth";

    private ModelArchive() {
    }

    /** a model read back, in eval mode, with its description */
    public record Loaded(ModelSpec spec, YoloV4Tiny model) {
    }

    public static void write(Storage storage, String uri, ModelSpec spec, YoloV4Tiny model) throws IOException {
        if (model.numClasses() != spec.classes().size() || model.width() != spec.width()) {
            throw new IllegalArgumentException("the model (" + model.numClasses() + " classes, width " + model.width()
                    + ") does not match its description (" + spec.classes().size() + " classes, width " + spec.width() + ")");
        }
        ByteArrayOutputStream weights = new ByteArrayOutputStream();
        Weights.save(model, weights);
        ByteArrayOutputStream zipped = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(zipped)) {
            entry(zip, SPEC_ENTRY, spec.toJson(WEIGHTS_ENTRY).getBytes(StandardCharsets.UTF_8));
            entry(zip, WEIGHTS_ENTRY, weights.toByteArray());
        }
        Path target = Storage.path(uri);
        AtomicOutput.writeFile(storage, target, zipped.toByteArray());
        LOG.info("wrote {} ({} classes, width {}, {} bytes)", target, spec.classes().size(), spec.width(), zipped.size());
    }

    public static Loaded read(Storage storage, String uri) throws IOException {
        Path path = Storage.path(uri);
        Map<String, byte[]> entries = ZipRecords.read(storage.readBytes(path, Weights.MAX_FILE_BYTES));
        byte[] json = entries.get(SPEC_ENTRY);
        byte[] weights = entries.get(WEIGHTS_ENTRY);
        if (json == null || weights == null) {
            throw new IOException(path + " is not a sparkdet model archive: it lacks " + (json == null ? SPEC_ENTRY : WEIGHTS_ENTRY));
        }
        ModelSpec spec = ModelSpec.fromJson(new String(json, StandardCharsets.UTF_8), path.toString());
        YoloV4Tiny model = spec.newModel();
        Weights.load(model, weights, path + "!/" + WEIGHTS_ENTRY);
        model.eval();
        return new Loaded(spec, model);
    }

    /** the weights of a sparkdet model archive, or the bytes themselves when they are not one (a .pth) */
    static byte[] weightsOf(byte[] file) {
        try {
            Map<String, byte[]> entries = ZipRecords.read(file);
            if (entries.containsKey(SPEC_ENTRY) && entries.containsKey(WEIGHTS_ENTRY)) {
                return entries.get(WEIGHTS_ENTRY);
            }
        } catch (IOException notAZip) {
            // a legacy (pre-1.6) torch.save file is a bare pickle: the reader of .pth files takes it
        }
        return file;
    }

    /** reads a model that must have been trained for exactly these classes, in this order */
    public static Loaded read(Storage storage, String uri, ClassList expected) throws IOException {
        Loaded loaded = read(storage, uri);
        if (!loaded.spec().classes().equals(expected)) {
            throw new IOException(uri + " was trained for the classes " + loaded.spec().classes()
                    + " but the classes " + expected + " were expected");
        }
        return loaded;
    }

    private static void entry(ZipOutputStream zip, String name, byte[] data) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(data);
        zip.closeEntry();
    }
}
