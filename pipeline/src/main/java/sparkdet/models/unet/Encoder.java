package sparkdet.models.unet;

import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;

/** A UNet backbone: the five feature maps the decoder joins, and its batch norms foldable for eval mode. */
abstract class Encoder extends Module {
    /** @return feat1..feat5, from the finest (stride 1 for VGG, 2 for ResNet-50) to the coarsest */
    abstract Tensor[] features(Tensor images);

    /** folds every batch norm into its convolution for eval-mode forward (see sparkdet.models.yolo.ConvBn) */
    abstract void fuseBatchNorm();
}
