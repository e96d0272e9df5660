package sparkdet.models.yolov5;

import java.io.IOException;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import sparkdet.model.Fixtures;
import sparkdet.model.ModelFiles;
import sparkdet.model.Weights;

/** The files scripts/make_yolov5_fixture.py wrote with PyTorch. */
final class V5Fixtures {
    static final String WEIGHTS = "yolov5_s_w025_c3.pth";
    static final String IO = "yolov5_s_w025_c3_io.pt";
    static final String FULL_S_NAMES = "yolov5_s_state_dict.txt";
    static final YoloV5Variant VARIANT = YoloV5Variant.S;
    static final double WIDTH = 0.25;
    static final int CLASSES = 3;
    static final int SIZE = 64;

    private V5Fixtures() {
    }

    static byte[] bytes(String name) {
        return Fixtures.bytes(name);
    }

    static Map<String, Tensor> tensors(String name) throws IOException {
        return Fixtures.tensors(name);
    }

    /** the fixture network with the fixture's weights, every tensor loaded */
    static YoloV5 model() {
        YoloV5 model = VARIANT.newModel(CLASSES, WIDTH);
        var report = Weights.loadMatching(model, bytes(WEIGHTS), WEIGHTS, ModelFiles.MAX_BYTES_CEILING);
        if (!report.complete() || !report.unused().isEmpty()) {
            throw new IllegalStateException("fixture weights do not fit: " + report);
        }
        return model;
    }
}
