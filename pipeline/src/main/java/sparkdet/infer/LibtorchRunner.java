package sparkdet.infer;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import sparkdet.model.YoloV4Tiny;

/**
 * sparkdet's own network (model.zip, or a YOLOv4-tiny .pth), in eval mode with its batch norms
 * folded into the convolutions, on the device it was moved to.
 */
final class LibtorchRunner implements ModelRunner {
    private final YoloV4Tiny model;
    private final String source;

    LibtorchRunner(YoloV4Tiny model, String source) {
        this.model = model;
        this.source = source;
        model.eval();
        model.fuseBatchNorm();
    }

    @Override
    public RawOutputs run(float[] images, int n, int height, int width) {
        try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
            return Tensors.outputs(model.forward(model.input(images, n, height, width)));
        }
    }

    @Override
    public String describe() {
        return "sparkdet " + YoloV4Tiny.ARCHITECTURE + " (libtorch) " + source;
    }

    @Override
    public void close() {
        model.close();
    }
}
