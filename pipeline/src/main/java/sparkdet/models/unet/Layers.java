package sparkdet.models.unet;

import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.pytorch.Conv2dImpl;
import org.bytedeco.pytorch.Conv2dOptions;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/** The two layers unet-pytorch writes the same way in VGG16 and in the decoder. */
final class Layers {
    private Layers() {
    }

    /** nn.Conv2d(in, out, kernel_size=3, padding=1): with bias */
    static Conv2dImpl conv3x3(long in, long out) {
        Conv2dOptions options = new Conv2dOptions(in, out, new LongPointer(3L, 3L));
        options.padding().put(new LongPointer(1L, 1L));
        return new Conv2dImpl(options);
    }

    /** nn.UpsamplingBilinear2d(scale_factor=2): bilinear with aligned corners, twice the height and width */
    static Tensor upsample(Tensor x) {
        return torch.upsample_bilinear2d(x, new long[] {x.size(2) * 2, x.size(3) * 2}, true);
    }
}
