package sparkdet.export;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sparkdet.infer.Sidecar;
import sparkdet.io.AtomicOutput;
import sparkdet.io.InputUnusableException;
import sparkdet.io.OutputGuard;
import sparkdet.io.Storage;
import sparkdet.model.ModelArchive;
import sparkdet.model.ModelSpec;
import sparkdet.model.Network;
import sparkdet.model.trace.TracedGraph;

/**
 * {@code sparkdet export}: a model.zip's network as an ONNX or TorchScript file that predict, video
 * and fps run (ONNX Runtime, libtorch), with the sidecar that makes it decode as the model.zip does.
 * The network's eval-mode forward, batch norms folded as predict runs it, is traced once
 * ({@link Network#trace}) and written by {@link OnnxWriter} or {@link TorchScriptWriter}; the file
 * and its sidecar are staged beside the output and renamed into place once both are complete.
 */
public final class ModelExport {
    private static final Logger LOG = LoggerFactory.getLogger(ModelExport.class);

    /** the formats, by --format, each with the file names predict opens with its back-end */
    public enum Format {
        ONNX("onnx", List.of(".onnx")),
        TORCHSCRIPT("torchscript", List.of(".pt", ".torchscript"));

        private final String label;
        private final List<String> suffixes;

        Format(String label, List<String> suffixes) {
            this.label = label;
            this.suffixes = suffixes;
        }

        /** @throws IllegalArgumentException naming the formats */
        public static Format of(String label) {
            for (Format f : values()) {
                if (f.label.equals(label.trim().toLowerCase(Locale.ROOT))) {
                    return f;
                }
            }
            throw new IllegalArgumentException("--format: onnx or torchscript, not '" + label + "'");
        }

        public String label() {
            return label;
        }
    }

    /** what an export wrote */
    public record Result(Path file, Path sidecar, long bytes, int nodes) {
    }

    private ModelExport() {
    }

    /**
     * @param half ONNX only: float16 initializers, each cast to float32 in the graph
     * @param maxBytes models.max-bytes, for reading the model
     * @throws IllegalArgumentException for a usage error (format, output name, --half with TorchScript)
     * @throws OutputGuard.OutputRefusedException when the output or its sidecar exists without overwrite
     * @throws InputUnusableException when the model cannot be read or exported
     */
    public static Result run(Storage storage, String modelUri, Format format, String outputUri, boolean overwrite,
                             boolean half, long maxBytes) throws IOException {
        if (half && format != Format.ONNX) {
            throw new IllegalArgumentException("--half: ONNX only (TorchScript exports are float32; docs/predict.md)");
        }
        Path output = Storage.path(outputUri);
        String name = output.getName().toLowerCase(Locale.ROOT);
        if (format.suffixes.stream().noneMatch(name::endsWith)) {
            throw new IllegalArgumentException("--output " + output + ": a " + format.label + " file must be named *"
                    + String.join(" or *", format.suffixes) + ", which predict opens with its back-end");
        }
        Path sidecar = Sidecar.of(output);
        OutputGuard.check(storage, output, overwrite, modelUri);
        OutputGuard.check(storage, sidecar, overwrite, modelUri);

        ModelArchive.Loaded loaded = ModelArchive.read(storage, modelUri, maxBytes);
        ModelSpec spec = loaded.spec();
        byte[] file;
        String sidecarText;
        int nodes;
        try (Network network = loaded.model()) {
            try {
                sidecarText = Sidecar.describe(spec);
            } catch (IllegalArgumentException e) {
                throw new InputUnusableException(modelUri + ": " + e.getMessage(), e);
            }
            network.foldForInference();
            TracedGraph graph = network.trace(spec.inputHeight(), spec.inputWidth());
            nodes = graph.nodes().size();
            file = format == Format.ONNX ? OnnxWriter.write(graph, half) : TorchScriptWriter.write(graph);
        }
        Map<Path, byte[]> files = new LinkedHashMap<>();
        files.put(output, file);
        files.put(sidecar, sidecarText.getBytes(StandardCharsets.UTF_8));
        AtomicOutput.writeFiles(storage, files);
        LOG.info("exported {} ({}) to {} ({}, {} nodes, {} bytes) and {}", modelUri, spec.summary(), output,
                format.label + (half ? " float16 weights" : ""), nodes, file.length, sidecar);
        return new Result(output, sidecar, file.length, nodes);
    }
}
