package sparkdet.infer;

import org.bytedeco.pytorch.Tensor;

/** libtorch output tensors to plain arrays, on the host. */
final class Tensors {
    private Tensors() {
    }

    static RawOutputs outputs(Tensor... outputs) {
        float[][] values = new float[outputs.length][];
        long[][] shapes = new long[outputs.length][];
        for (int i = 0; i < outputs.length; i++) {
            Tensor t = outputs[i].cpu().contiguous();
            if (t.scalar_type() != org.bytedeco.pytorch.global.torch.ScalarType.Float) {
                t = t.to(org.bytedeco.pytorch.global.torch.ScalarType.Float);
            }
            values[i] = new float[(int) t.numel()];
            t.data_ptr_float().get(values[i]);
            shapes[i] = t.sizes().vec().get();
        }
        return new RawOutputs(values, shapes);
    }
}
