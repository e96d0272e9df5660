package sparkdet.infer;

import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import sparkdet.io.Storage;
import sparkdet.model.ModelFiles;

/** A JVM of its own that only runs an ONNX model on the CPU and prints how many boxes it found (OnnxAloneTest). */
public final class OnnxOnlyMain {
    private OnnxOnlyMain() {
    }

    public static void main(String[] args) throws Exception {
        try (Detector d = Detectors.open(new Storage(new Configuration()), Path.of(args[0]).toString(), 1, "cpu",
                ModelFiles.MAX_BYTES_CEILING)) {
            System.out.println("detections " + d.detect(List.of(ConstantModelsTest.grey(64, 64)),
                    DetectOptions.defaults()).get(0).size());
        }
    }
}
