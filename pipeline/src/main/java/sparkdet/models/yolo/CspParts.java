package sparkdet.models.yolo;

import java.util.function.LongFunction;

/**
 * What YOLOv5 and YOLOX build differently in the blocks they share ({@link CspBlock}, its
 * bottlenecks, {@link Spp}): the names the reference gives the blocks' convolutions
 * (yolov5-pytorch's cv1, cv2, cv3; yolox-pytorch's conv1, conv2, conv3), which the .pth files load
 * by, and the family's convolution blocks (YOLOv5's Conv; YOLOX's BaseConv, and DWConv for the
 * bottlenecks' 3x3 in nano).
 *
 * @param prefix the convolutions' child names without their number: cv or conv
 * @param pointwise the family's 1x1 convolution block, stride 1
 * @param bottleneck3x3 the family's 3x3 convolution block of a bottleneck, stride 1, as many channels out as in
 */
public record CspParts(String prefix, Pointwise pointwise, LongFunction<Block> bottleneck3x3) {
    /** a family's 1x1 convolution block, stride 1 */
    @FunctionalInterface
    public interface Pointwise {
        Block of(long in, long out);
    }

    /** the child name of the block's convolution number i, from 1 as in the references */
    String name(int i) {
        return prefix + i;
    }
}
