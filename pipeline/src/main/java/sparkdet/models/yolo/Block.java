package sparkdet.models.yolo;

import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;

/**
 * A building block of the YOLO networks (a convolution with its batch norm and activation, a CSP
 * stage, a spatial pyramid pooling): forward, and its batch norms folded into their convolutions
 * for eval mode. Lets the layouts and blocks the families share ({@link CspDarknet}, {@link Focus},
 * {@link CspBlock}, {@link Spp}) take each family's own blocks, whose parameter names differ.
 */
public abstract class Block extends Module {
    public abstract Tensor forward(Tensor x);

    /** the batch norms folded into their convolutions for eval-mode forward ({@link ConvBn#fuseBatchNorm}) */
    public abstract void fuseBatchNorm();
}
