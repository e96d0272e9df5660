package sparkdet.model;

import org.bytedeco.pytorch.Tensor;
import sparkdet.image.RgbImage;

/** Decoded images as libtorch tensors: float32, [1, 3, H, W], values scaled to [0, 1]. */
public final class ImageTensors {
    private ImageTensors() {
    }

    public static Tensor toTensor(RgbImage image) {
        Torch.load();
        float[] chw = new float[image.width() * image.height() * 3];
        image.toChw(chw, 0);
        return Tensor.create(chw, 1, 3, image.height(), image.width());
    }
}
