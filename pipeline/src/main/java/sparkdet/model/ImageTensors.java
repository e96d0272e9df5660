package sparkdet.model;

import org.bytedeco.pytorch.Tensor;
import sparkdet.image.RgbImage;

/** Decoded images as libtorch tensors: float32, [1, 3, H, W], values scaled to [0, 1]. */
public final class ImageTensors {
    private ImageTensors() {
    }

    public static Tensor toTensor(RgbImage image) {
        Torch.load();
        int plane = image.width() * image.height();
        float[] chw = new float[plane * 3];
        byte[] rgb = image.rgb();
        for (int i = 0; i < plane; i++) {
            chw[i] = (rgb[3 * i] & 0xff) / 255f;
            chw[plane + i] = (rgb[3 * i + 1] & 0xff) / 255f;
            chw[2 * plane + i] = (rgb[3 * i + 2] & 0xff) / 255f;
        }
        return Tensor.create(chw, 1, 3, image.height(), image.width());
    }
}
