package sparkdet.models.yolo;

import java.util.Map;
import java.util.function.Predicate;
import org.bytedeco.pytorch.GeneratorOptional;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;

/**
 * How the YOLO repositories' train.py starts a network trained from scratch (weights_init in
 * nets/yolo_training.py, init_type normal, gain 0.02): every convolution weight (of the classes
 * named Conv*, 1-D too) N(0, 0.02), every batch-norm weight N(1, 0.02) and bias 0. Other
 * parameters (the output convolutions' biases, linear layers) keep the framework's defaults, which
 * libtorch shares with PyTorch.
 */
public final class ReferenceInit {
    private static final double GAIN = 0.02;

    private ReferenceInit() {
    }

    /**
     * @param parameters the network's parameters by state-dict name
     * @param isBatchNorm whether a module path (the name without .weight or .bias) is a batch norm
     */
    public static void apply(Map<String, Tensor> parameters, Predicate<String> isBatchNorm) {
        try (NoGradGuard noGrad = new NoGradGuard()) {
            for (Map.Entry<String, Tensor> e : parameters.entrySet()) {
                Tensor p = e.getValue();
                String name = e.getKey();
                String module = name.substring(0, Math.max(0, name.lastIndexOf('.')));
                // convolution weights, 2-D and 1-D (ECA's); linear weights (2 dimensions) keep their default
                if (p.dim() >= 3) {
                    p.normal_(0, GAIN, new GeneratorOptional());
                } else if (isBatchNorm.test(module) && name.endsWith(".weight")) {
                    p.normal_(1, GAIN, new GeneratorOptional());
                } else if (isBatchNorm.test(module) && name.endsWith(".bias")) {
                    p.zero_();
                }
            }
        }
    }

    /** batch norms that are a block's child named {@code bn} (yolov4-tiny-pytorch, yolov5-pytorch) */
    public static boolean namedBn(String module) {
        return module.endsWith(".bn") || module.equals("bn");
    }
}
