package sparkdet.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;

/** The files scripts/make_yolov4_tiny_fixture.py wrote with PyTorch. */
public final class Fixtures {
    public static final String WEIGHTS = "yolov4_tiny_w025_c3.pth";
    public static final String IO = "yolov4_tiny_w025_c3_io.pt";
    public static final String LEGACY = "legacy_state_dict.pth";
    public static final double WIDTH = 0.25;
    public static final int CLASSES = 3;

    private Fixtures() {
    }

    public static byte[] bytes(String name) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/fixtures/" + name)) {
            if (in == null) {
                throw new IllegalStateException("fixture " + name + " is missing: run scripts/make_yolov4_tiny_fixture.py");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Map<String, Tensor> tensors(String name) throws IOException {
        return TorchFileReader.read(bytes(name), name, ModelFiles.MAX_BYTES_CEILING);
    }

    /** copies of a model's parameters and buffers */
    public static Map<String, Tensor> snapshot(Network model) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        model.stateDict().forEach((k, v) -> out.put(k, v.detach().clone()));
        return out;
    }

    /** the fixture network with the fixture's weights */
    public static Network model() throws IOException {
        Network model = TestModels.network(CLASSES, WIDTH);
        Weights.load(model, bytes(WEIGHTS), WEIGHTS, ModelFiles.MAX_BYTES_CEILING);
        return model;
    }
}
