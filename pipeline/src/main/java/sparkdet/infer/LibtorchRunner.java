package sparkdet.infer;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import sparkdet.model.Network;
import sparkdet.model.RawOutputs;
import sparkdet.model.TensorArrays;

/**
 * sparkdet's own network (model.zip, or a family's .pth), in eval mode with what eval mode makes
 * constant folded in (batch norms into the convolutions), on the device it was moved to.
 */
final class LibtorchRunner implements ModelRunner {
    private final Network model;
    private final String architecture;
    private final String source;

    LibtorchRunner(Network model, String architecture, String source) {
        this.model = model;
        this.architecture = architecture;
        this.source = source;
        model.eval();
        model.foldForInference();
    }

    @Override
    public RawOutputs run(float[] images, int n, int height, int width) {
        try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
            return TensorArrays.toRawOutputs(model.forward(model.input(images, n, height, width)));
        }
    }

    @Override
    public String describe() {
        return "sparkdet " + architecture + " (libtorch) " + source;
    }

    @Override
    public void close() {
        model.close();
    }
}
