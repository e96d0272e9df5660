package sparkdet.infer;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.DeviceOptional;
import org.bytedeco.pytorch.IValue;
import org.bytedeco.pytorch.IValueVector;
import org.bytedeco.pytorch.JitModule;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TupleElements;
import org.bytedeco.pytorch.global.torch;
import sparkdet.io.InputUnusableException;
import sparkdet.model.Devices;
import sparkdet.model.RawOutputs;
import sparkdet.model.TensorArrays;
import sparkdet.model.Torch;

/**
 * A TorchScript file (torch.jit.trace or script, then torch.jit.save) run by libtorch: its forward
 * takes the image batch and returns a tensor, a tuple or a list of tensors.
 */
final class TorchScriptRunner implements ModelRunner {
    private final JitModule module;
    private final Device device;
    private final String source;

    /** @param localFile the .pt file on the local disk (libtorch reads paths) */
    TorchScriptRunner(String localFile, Device device, String source) {
        try {
            this.module = torch.load(localFile, new DeviceOptional(device), false);
        } catch (RuntimeException e) {
            throw new InputUnusableException(source + ": libtorch cannot load it as TorchScript: " + Torch.firstLine(e), e);
        }
        this.device = device;
        this.source = source;
        module.eval();
    }

    @Override
    public RawOutputs run(float[] images, int n, int height, int width) {
        try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
            Tensor input = Devices.to(Tensor.create(images, n, 3, height, width), device);
            IValue out = module.forward(new IValueVector(new IValue(input)));
            return TensorArrays.toRawOutputs(tensors(out).toArray(new Tensor[0]));
        }
    }

    private List<Tensor> tensors(IValue out) {
        List<Tensor> result = new ArrayList<>();
        if (out.isTensor()) {
            result.add(out.toTensor());
        } else if (out.isTuple()) {
            TupleElements elements = out.toTuple().elements();
            for (long i = 0; i < elements.size(); i++) {
                result.addAll(tensors(elements.get(i)));
            }
        } else if (out.isTensorList()) {
            var list = out.toTensorVector();
            for (long i = 0; i < list.size(); i++) {
                result.add(list.get(i));
            }
        } else {
            throw new IllegalArgumentException(source + ": forward returned " + out.tagKind().getString()
                    + ", not tensors (a tensor, a tuple or a list of them)");
        }
        return result;
    }

    @Override
    public String describe() {
        return "TorchScript (libtorch) " + source;
    }

    @Override
    public void close() {
        module.close();
    }
}
