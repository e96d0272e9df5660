package sparkdet.models.yolox;

import java.io.IOException;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;
import sparkdet.model.Fixtures;
import sparkdet.model.ModelFiles;
import sparkdet.model.Weights;

/** The files scripts/make_yolox_fixture.py wrote with PyTorch. */
final class XFixtures {
    static final String WEIGHTS = "yolox_nano_w05_c3.pth";
    static final String IO = "yolox_nano_w05_c3_io.pt";
    static final String FULL_S_NAMES = "yolox_s_state_dict.txt";
    static final YoloXVariant VARIANT = YoloXVariant.NANO;
    static final double WIDTH = 0.5;
    static final int CLASSES = 3;
    static final int SIZE = 64;

    private XFixtures() {
    }

    static byte[] bytes(String name) {
        return Fixtures.bytes(name);
    }

    static Map<String, Tensor> tensors(String name) throws IOException {
        return Fixtures.tensors(name);
    }

    /** the fixture network with the fixture's weights, every tensor loaded */
    static YoloX model() {
        YoloX model = VARIANT.newModel(CLASSES, WIDTH);
        var report = Weights.loadMatching(model, bytes(WEIGHTS), WEIGHTS, ModelFiles.MAX_BYTES_CEILING);
        if (!report.complete() || !report.unused().isEmpty()) {
            throw new IllegalStateException("fixture weights do not fit: " + report);
        }
        return model;
    }

    static float[] floats(Tensor t) {
        Tensor c = t.toType(ScalarType.Float).contiguous();
        float[] out = new float[(int) c.numel()];
        c.data_ptr_float().get(out);
        return out;
    }
}
