package sparkdet.cli;

import java.util.Locale;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import sparkdet.export.ModelExport;
import sparkdet.export.OnnxWriter;
import sparkdet.infer.Sidecar;
import sparkdet.io.Storage;

/** {@code sparkdet export}: a model.zip as an ONNX or TorchScript file with its sidecar. */
final class ExportCommand implements Command {
    @Override
    public String name() {
        return "export";
    }

    @Override
    public String summary() {
        return "a model.zip as an ONNX or TorchScript file (with its sidecar) that predict runs";
    }

    @Override
    public String help() {
        return """
            usage: sparkdet export --model URI --format onnx|torchscript --output URI [--half] [--overwrite]

              --model      sparkdet's model.zip (written by train), on any file system
              --format     onnx (ONNX Runtime, opset %d) or torchscript (libtorch, torch.jit.load)
              --output     the file, named *.onnx for onnx and *.pt or *.torchscript for torchscript, as
                           predict opens them; its sidecar <output>.conf is written beside it, both
                           renamed into place once complete
              --half       onnx only: weights stored as float16 (half the file), cast back to float32
                           in the graph, which computes in float32 as before
              --overwrite  replace an existing output and sidecar (never the model)
            The export gives the model.zip's outputs (within 1e-3) and boxes or masks for any batch
            size; predict, video and fps run it (docs/predict.md, "export").
            """.formatted(OnnxWriter.OPSET);
    }

    @Override
    public Set<String> valuedOptions() {
        return Set.of("model", "format", "output");
    }

    @Override
    public Set<String> flagOptions() {
        return Set.of("half", "overwrite");
    }

    @Override
    public int run(Args args, Context context) throws Exception {
        String output = args.required("output");
        ModelExport.Result r = ModelExport.run(new Storage(new Configuration()), args.required("model"),
                ModelExport.Format.of(args.required("format")), output, args.flag("overwrite"), args.flag("half"),
                DetectArgs.modelMaxBytes(context));
        context.out().printf(Locale.ROOT, "wrote %s (%d bytes, %d operations) and its sidecar %s%n", output, r.bytes(),
                r.nodes(), output + Sidecar.SUFFIX);
        return Main.OK;
    }
}
