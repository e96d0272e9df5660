package sparkdet.model;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.StringSharedModuleDict;
import org.bytedeco.pytorch.StringSharedModuleDictItem;
import org.bytedeco.pytorch.StringTensorDict;
import org.bytedeco.pytorch.StringTensorDictItem;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import sparkdet.model.trace.Trace;
import sparkdet.model.trace.TracedGraph;

/**
 * A family's libtorch network, as generic code sees it: a module tree whose parameters and
 * buffers carry the reference repository's state-dict names, a forward pass from a normalised
 * image batch to the raw outputs its decoder and loss take, and the groups that transfer learning
 * freezes. Created by {@link ModelFamily#newNetwork}, which loads libtorch first (creating the
 * first module loads it, which crashes on an empty JavaCPP cache).
 */
public abstract class Network extends Module {
    private Device device = new Device(torch.DeviceType.CPU);
    /** whether the 4-d weights and the inputs are channels-last (NHWC in memory) */
    private boolean channelsLast;

    /** @return the raw outputs, in the order the family's decoder and loss take them */
    public abstract Tensor[] forward(Tensor images);

    /** how many classes the outputs score */
    public abstract int numClasses();

    /** the parameters frozen during the recipe's freeze-epochs (the backbone) */
    public abstract List<FreezeGroup> freezeGroups();

    /**
     * For inference only, after the weights are final and the network is on its device: folds
     * what eval mode makes constant (batch norms into their convolutions). State dicts are unchanged.
     */
    public abstract void foldForInference();

    /** why a tensor's shape may differ from a file's (e.g. " (class count changed)"), or "" */
    public String shapeHint(String parameterName) {
        return "";
    }

    /**
     * moves every parameter and buffer to the device, in place: tensors already taken from
     * {@link #namedParameters()} follow, so move before building an optimiser. On the CPU the
     * convolution weights and the inputs become channels-last (NHWC in memory): oneDNN runs
     * convolutions, their backward above all, two to three times faster so than on NCHW tensors,
     * which it reorders on every call. Only strides change; values, shapes and names do not, and
     * every copy out (state dicts, collectives) goes through contiguous() or reshape().
     */
    public void moveTo(Device target) {
        to(target, false);
        device = target;
        channelsLast = !target.is_cuda();
        torch.MemoryFormat format = channelsLast ? torch.MemoryFormat.ChannelsLast : torch.MemoryFormat.Contiguous;
        try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
            for (Tensor t : stateDict().values()) {
                if (t.dim() == 4) {
                    t.set_data(t.contiguous(format));
                }
            }
        }
    }

    public Device device() {
        return device;
    }

    /**
     * a batch of images as the network's input, on its device
     *
     * @param images [n, 3, height, width] in row-major order, already normalised
     */
    public Tensor input(float[] images, int n, int height, int width) {
        if (images.length != (long) n * 3 * height * width) {
            throw new IllegalArgumentException(images.length + " values for " + n + " images of 3 x " + height + " x " + width);
        }
        Tensor x = Devices.to(Tensor.create(images, n, 3, height, width), device);
        return channelsLast ? x.contiguous(torch.MemoryFormat.ChannelsLast) : x;
    }

    /**
     * Inference for callers that hold no tensors: switches to eval mode and returns the raw outputs
     * with their shapes.
     *
     * @param images [n, 3, height, width] in row-major order, already normalised
     */
    public RawOutputs predict(float[] images, int n, int height, int width) {
        try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
            eval();
            return TensorArrays.toRawOutputs(forward(input(images, n, height, width)));
        }
    }

    /**
     * This network's eval-mode forward as a graph, for exports: the forward runs once on one black
     * image of this size with a {@link Trace} active, which records every {@link Ops} operation
     * (call {@link #foldForInference} first for the graph of predict's forward). Shapes are the
     * traced ones but for the batch.
     *
     * @throws IllegalStateException when the forward computes a tensor without Ops
     */
    public TracedGraph trace(int height, int width) {
        try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
            eval();
            Tensor images = input(new float[3 * height * width], 1, height, width);
            try (Trace trace = Trace.begin(images)) {
                return trace.finish(forward(images));
            }
        }
    }

    /**
     * Freezes or unfreezes the {@link #freezeGroups()} (requires_grad off / on). As in the YOLO
     * repositories this does not change the module's mode: in train mode a frozen backbone's
     * BatchNorm layers still normalise with batch statistics and keep updating their running
     * mean and variance.
     */
    public void setFrozen(boolean frozen) {
        List<FreezeGroup> groups = freezeGroups();
        for (Map.Entry<String, Tensor> e : namedParameters().entrySet()) {
            if (groups.stream().anyMatch(g -> g.holds(e.getKey()))) {
                e.getValue().requires_grad_(!frozen);
            }
        }
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
