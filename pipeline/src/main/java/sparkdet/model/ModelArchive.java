package sparkdet.model;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sparkdet.data.ClassList;
import sparkdet.io.AtomicOutput;
import sparkdet.io.InputUnusableException;
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
    public record Loaded(ModelSpec spec, Network model) {
    }

    /**
     * @param model a network built from {@code spec}; one of another class count is refused here (any
     *     other mismatch fails when the archive is read back, at the first tensor of another shape)
     */
    public static void write(Storage storage, String uri, ModelSpec spec, Network model) throws IOException {
        if (model.numClasses() != spec.classes().size()) {
            throw new IllegalArgumentException("the model (" + model.numClasses() + " classes) does not match its "
                    + "description (" + spec.classes().size() + " classes)");
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
        LOG.info("wrote {} ({}, {} bytes)", target, spec.summary(), zipped.size());
    }

    /** @param maxBytes models.max-bytes: the most the file, and each record inflated from it, may hold */
    public static Loaded read(Storage storage, String uri, long maxBytes) throws IOException {
        Path path = Storage.path(uri);
        ZipRecords zip = ZipRecords.open(ModelFiles.read(storage, path, maxBytes), path.toString(), maxBytes);
        if (!zip.contains(SPEC_ENTRY) || !zip.contains(WEIGHTS_ENTRY)) {
            throw new InputUnusableException(path + " is not a sparkdet model archive: it lacks "
                    + (zip.contains(SPEC_ENTRY) ? WEIGHTS_ENTRY : SPEC_ENTRY));
        }
        ModelSpec spec = ModelSpec.fromJson(new String(zip.read(SPEC_ENTRY), StandardCharsets.UTF_8),
                path + "!/" + SPEC_ENTRY);
        Network model = spec.newNetwork();
        Weights.load(model, zip.read(WEIGHTS_ENTRY), path + "!/" + WEIGHTS_ENTRY, maxBytes);
        model.eval();
        return new Loaded(spec, model);
    }

    /**
     * the weights of a sparkdet model archive, or the bytes themselves when they are not one (a
     * .pth: torch.save's own zip, or a legacy pickle)
     */
    static byte[] weightsOf(byte[] file, String source, long maxBytes) {
        if (ZipRecords.startsAsZip(file)) {
            ZipRecords zip = ZipRecords.open(file, source, maxBytes);
            if (zip.contains(SPEC_ENTRY) && zip.contains(WEIGHTS_ENTRY)) {
                return zip.read(WEIGHTS_ENTRY);
            }
        }
        return file;
    }

    /** reads a model that must have been trained for exactly these classes, in this order */
    public static Loaded read(Storage storage, String uri, ClassList expected, long maxBytes) throws IOException {
        Loaded loaded = read(storage, uri, maxBytes);
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
