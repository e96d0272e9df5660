package sparkdet.model;

import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.GeneratorOptional;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.StringSharedModuleDict;
import org.bytedeco.pytorch.StringSharedModuleDictItem;
import org.bytedeco.pytorch.StringTensorDict;
import org.bytedeco.pytorch.StringTensorDictItem;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * YOLOv4-tiny as bubbliiiing/yolov4-tiny-pytorch defines it (phi = 0): CSPDarknet53-tiny, an FPN
 * neck and two heads, P5 (stride 32) then P4 (stride 16), each [N, 3 * (5 + classes), H, W]. Every
 * parameter and buffer has that repository's state-dict name, so its .pth files load by name.
 * A width multiplier below 1 gives a small variant with the same structure. Created through
 * {@link ModelSpec#newModel()}.
 */
public final class YoloV4Tiny extends Module {
    public static final String ARCHITECTURE = "yolov4-tiny";
    public static final int ANCHORS_PER_SCALE = 3;
    /**
     * the stride of P5, which input sizes must be multiples of (a compile-time constant: reading it
     * must not initialise this class, see the constructor)
     */
    public static final int MAX_STRIDE = 32;
    static final String BACKBONE_PREFIX = "backbone.";
    /** the standard deviation of the repository's weights_init */
    private static final double INIT_GAIN = 0.02;

    private final int numClasses;
    private final double width;
    private final CspDarknetTiny backbone;
    private final BasicConv convForP5;
    private final YoloHead headP5;
    private final UpsampleBlock upsample;
    private final YoloHead headP4;
    private Device device;

    /**
     * Package-private: creating the first Module loads libtorch (Module's static initialiser runs
     * before any code here), which crashes on an empty JavaCPP cache; {@link ModelSpec#newModel()}
     * unpacks the cache first.
     */
    YoloV4Tiny(int numClasses, double width) {
        if (numClasses < 1) {
            throw new IllegalArgumentException("a detector needs at least one class, got " + numClasses);
        }
        this.numClasses = numClasses;
        this.width = width;
        Widths c = new Widths(width);
        long out = ANCHORS_PER_SCALE * (5L + numClasses);
        backbone = register_module("backbone", new CspDarknetTiny(c));
        convForP5 = register_module("conv_for_P5", new BasicConv(c.of(512), c.of(256), 1));
        headP5 = register_module("yolo_headP5", new YoloHead(c.of(256), c.of(512), out));
        upsample = register_module("upsample", new UpsampleBlock(c.of(256), c.of(128)));
        headP4 = register_module("yolo_headP4", new YoloHead(c.of(128) + c.of(256), c.of(256), out));
        initWeights();
        device = new Device(torch.DeviceType.CPU);
    }

    /**
     * moves every parameter and buffer to the device, in place: tensors already taken from
     * {@link #namedParameters()} follow, so move before building an optimiser
     */
    public void moveTo(Device target) {
        to(target, false);
        device = target;
    }

    public Device device() {
        return device;
    }

    /**
     * for inference: every conv + batch norm pair runs as one convolution in eval mode (see
     * BasicConv#fuseBatchNorm); after the weights are loaded and the model is on its device
     */
    public void fuseBatchNorm() {
        backbone.fuseBatchNorm();
        convForP5.fuseBatchNorm();
        headP5.fuseBatchNorm();
        upsample.fuseBatchNorm();
        headP4.fuseBatchNorm();
    }

    /**
     * a batch of images as the network's input, on the model's device
     *
     * @param images [n, 3, height, width] in row-major order, already normalised
     */
    public Tensor input(float[] images, int n, int height, int width) {
        if (images.length != (long) n * 3 * height * width) {
            throw new IllegalArgumentException(images.length + " values for " + n + " images of 3 x " + height + " x " + width);
        }
        return Devices.to(Tensor.create(images, n, 3, height, width), device);
    }

    /**
     * As the repository's train.py starts a model trained from scratch (nets/yolo_training.py's
     * weights_init, normal with gain 0.02): every convolution weight N(0, 0.02), every batch-norm
     * weight N(1, 0.02) and bias 0. The output convolutions' biases keep the framework's default,
     * which libtorch shares with PyTorch.
     */
    private void initWeights() {
        try (NoGradGuard noGrad = new NoGradGuard()) {
            for (Map.Entry<String, Tensor> e : namedParameters().entrySet()) {
                Tensor p = e.getValue();
                if (p.dim() == 4) {
                    p.normal_(0, INIT_GAIN, new GeneratorOptional());
                } else if (e.getKey().endsWith(".bn.weight")) {
                    p.normal_(1, INIT_GAIN, new GeneratorOptional());
                } else if (e.getKey().endsWith(".bn.bias")) {
                    p.zero_();
                }
            }
        }
    }

    /** @return the P5 (stride 32) and P4 (stride 16) outputs, each [N, 3 * (5 + classes), H, W] */
    public Tensor[] forward(Tensor images) {
        Tensor[] feats = backbone.forward(images);
        Tensor p5 = convForP5.forward(feats[1]);
        Tensor out0 = headP5.forward(p5);
        Tensor p4 = torch.cat(new TensorVector(upsample.forward(p5), feats[0]), 1);
        return new Tensor[] {out0, headP4.forward(p4)};
    }

    /**
     * Inference for callers that hold no tensors: switches the model to eval mode and returns the
     * raw P5 and P4 outputs, each [N, 3 * (5 + classes), H / stride, W / stride] in row-major order.
     *
     * @param images [N, 3, height, width] in row-major order, already normalised
     */
    public float[][] predict(float[] images, int n, int height, int width) {
        try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
            eval();
            Tensor[] out = forward(input(images, n, height, width));
            float[][] result = new float[out.length][];
            for (int i = 0; i < out.length; i++) {
                Tensor t = out[i].cpu().contiguous();
                result[i] = new float[(int) t.numel()];
                t.data_ptr_float().get(result[i]);
            }
            return result;
        }
    }

    public int numClasses() {
        return numClasses;
    }

    public double width() {
        return width;
    }

    /**
     * Freezes or unfreezes the backbone's parameters (requires_grad off / on). As in the repository,
     * this does not change the module's mode: in train mode a frozen backbone's BatchNorm layers
     * still normalise with batch statistics and keep updating their running mean and variance.
     */
    public void setBackboneFrozen(boolean frozen) {
        for (Map.Entry<String, Tensor> e : namedParameters().entrySet()) {
            if (e.getKey().startsWith(BACKBONE_PREFIX)) {
                e.getValue().requires_grad_(!frozen);
            }
        }
    }

    /** why a tensor's shape may differ from a file's: the head outputs depend on the class count */
    static String shapeHint(String name) {
        return name.startsWith("yolo_headP5.1.") || name.startsWith("yolo_headP4.1.") ? " (class count changed)" : "";
    }

    /**
     * parameters and buffers by their state-dict names, in PyTorch's order (module by module, each
     * module's parameters then its buffers), so that saved files list them as torch.save would
     */
    public Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        StringSharedModuleDict modules = named_modules();
        for (long i = 0; i < modules.size(); i++) {
            StringSharedModuleDictItem item = modules.get(i);
            // JavaCPP gives the root module's empty name as null
            String dot = item.key() == null || item.key().getString().isEmpty() ? "" : item.key().getString() + ".";
            toMap(item.value().named_parameters(false)).forEach((k, v) -> out.put(dot + k, v));
            toMap(item.value().named_buffers(false)).forEach((k, v) -> out.put(dot + k, v));
        }
        return out;
    }

    /** the parameters by name, in registration order */
    public Map<String, Tensor> namedParameters() {
        return toMap(named_parameters(true));
    }

    private static Map<String, Tensor> toMap(StringTensorDict dict) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (long i = 0; i < dict.size(); i++) {
            StringTensorDictItem item = dict.get(i);
            // value() points into the dict, which native code frees with it: keep an owning reference instead
            out.put(item.key().getString(), new Tensor(item.value()));
        }
        return out;
    }
}
