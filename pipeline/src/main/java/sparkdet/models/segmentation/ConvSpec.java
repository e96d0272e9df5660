package sparkdet.models.segmentation;

import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.pytorch.Conv2dImpl;
import org.bytedeco.pytorch.Conv2dOptions;

/**
 * A square convolution of the segmentation networks: channels, kernel, stride, dilation, groups and
 * whether it has a bias. Its padding is dilation x (kernel / 2), which keeps the size at stride 1, as
 * every convolution of the reference networks pads (the dilated ones included).
 */
public record ConvSpec(long in, long out, long kernel, long stride, long dilation, long groups, boolean bias) {
    /** stride 1, no dilation, no groups, no bias */
    public static ConvSpec of(long in, long out, long kernel) {
        return new ConvSpec(in, out, kernel, 1, 1, 1, false);
    }

    public ConvSpec withStride(long newStride) {
        return new ConvSpec(in, out, kernel, newStride, dilation, groups, bias);
    }

    public ConvSpec withDilation(long newDilation) {
        return new ConvSpec(in, out, kernel, stride, newDilation, groups, bias);
    }

    /** depthwise: one group per input channel */
    public ConvSpec depthwise() {
        return new ConvSpec(in, out, kernel, stride, dilation, in, bias);
    }

    public ConvSpec withBias() {
        return new ConvSpec(in, out, kernel, stride, dilation, groups, true);
    }

    public long padding() {
        return dilation * (kernel / 2);
    }

    /**
     * The reference wrappers' _nostride_dilate, which turns a classification backbone's last stages
     * into dilated ones (downsample factor 8 or 16): a stride-2 convolution loses its stride and, if
     * 3x3, takes half the dilation; another 3x3 convolution takes the dilation.
     *
     * @param dilate the wrapper's dilate for this stage, 1 where it leaves the stage as it is
     */
    public ConvSpec noStrideDilate(long dilate) {
        if (dilate == 1) {
            return this;
        }
        if (stride == 2) {
            return kernel == 3 ? withStride(1).withDilation(dilate / 2) : withStride(1);
        }
        return kernel == 3 ? withDilation(dilate) : this;
    }

    /** the libtorch module, initialised as PyTorch's nn.Conv2d is */
    public Conv2dImpl newModule() {
        Conv2dOptions options = new Conv2dOptions(in, out, new LongPointer(kernel, kernel));
        options.stride().put(0, stride).put(1, stride);
        options.padding().put(new LongPointer(padding(), padding()));
        options.dilation().put(0, dilation).put(1, dilation);
        options.groups().put(groups);
        options.bias().put(bias);
        return new Conv2dImpl(options);
    }
}
