package sparkdet.model;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/** libtorch output tensors to plain arrays, on the host. */
public final class TensorArrays {
    private TensorArrays() {
    }

    /** the tensors copied to the host as float32, with their shapes */
    public static RawOutputs toRawOutputs(Tensor... outputs) {
        float[][] values = new float[outputs.length][];
        long[][] shapes = new long[outputs.length][];
        for (int i = 0; i < outputs.length; i++) {
            Tensor t = outputs[i].cpu().contiguous();
            if (t.scalar_type() != torch.ScalarType.Float) {
                t = t.to(torch.ScalarType.Float);
            }
            values[i] = new float[(int) t.numel()];
            t.data_ptr_float().get(values[i]);
            shapes[i] = t.sizes().vec().get();
        }
        return new RawOutputs(values, shapes);
    }
}
