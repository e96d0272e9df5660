package sparkdet.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import sparkdet.data.ClassList;
import sparkdet.image.PixelFormat;
import sparkdet.io.InputUnusableException;
import sparkdet.postprocess.OutputDecoder;
import sparkdet.transforms.Resize;

/**
 * Everything predict needs besides the weights (model.json): the generic part (architecture,
 * variant, task, classes, input height and width, how the network takes its pixels, how a picture
 * is resized to the input) and the family's own options, which only its family reads
 * ({@link FamilyOptions}). Checked against the family when built: an unknown architecture, a
 * variant it lacks or an input side that is not a multiple of its stride is refused.
 */
public record ModelSpec(String architecture, String variant, Task task, ClassList classes, int inputHeight,
                        int inputWidth, PixelFormat pixels, Resize resize, FamilyOptions options)
        implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    /** 2 added variant, task, channels and resize; format 1 files (without them) still load */
    private static final int FORMAT = 2;

    public ModelSpec {
        ModelFamily family = ModelFamilies.of(architecture);
        if (!family.variants().contains(variant)) {
            throw new IllegalArgumentException(architecture + " has no variant '" + variant + "' (known: "
                    + String.join(", ", family.variants()) + ")");
        }
        if (task != family.task()) {
            throw new IllegalArgumentException(architecture + " is a " + family.task().label() + " model, not "
                    + task.label());
        }
        int multiple = family.inputMultiple();
        if (inputHeight <= 0 || inputWidth <= 0 || inputHeight % multiple != 0 || inputWidth % multiple != 0) {
            throw new IllegalArgumentException("input size " + inputWidth + "x" + inputHeight
                    + " is not a positive multiple of the network's stride " + multiple);
        }
    }

    public ModelFamily family() {
        return ModelFamilies.of(architecture);
    }

    /** a network of this description with freshly initialised weights, in train mode */
    public Network newNetwork() {
        return family().newNetwork(this);
    }

    public Loss newLoss(double labelSmoothing) {
        return family().newLoss(this, labelSmoothing);
    }

    public OutputDecoder newDecoder() {
        return family().newDecoder(this);
    }

    /** one line for logs and messages */
    public String summary() {
        return String.format(Locale.ROOT, "%s %s, %s, %d classes, input %dx%d", architecture, variant, options.summary(),
                classes.size(), inputWidth, inputHeight);
    }

    String toJson(String weightsFile) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        root.put("architecture", architecture);
        root.put("variant", variant);
        root.put("task", task.label());
        root.put("num_classes", classes.size());
        ArrayNode names = root.putArray("classes");
        classes.names().forEach(names::add);
        root.putObject("input_size").put("height", inputHeight).put("width", inputWidth);
        root.put("resize", resize.label());
        root.put("channels", pixels.channels().label());
        ObjectNode norm = root.putObject("normalize");
        norm.put("scale", pixels.scale());
        ArrayNode mean = norm.putArray("mean");
        ArrayNode std = norm.putArray("std");
        for (int c = 0; c < 3; c++) {
            mean.add(pixels.mean()[c]);
            std.add(pixels.std()[c]);
        }
        options.writeTo(root);
        root.put("weights", weightsFile);
        return JSON.writeValueAsString(root);
    }

    /**
     * model.json as written by {@link #toJson}, or by earlier versions (format 1: YOLOv4-tiny
     * without variant, task, channels and resize, which take their defaults); anything else is
     * refused with the file named
     */
    static ModelSpec fromJson(String json, String source) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new InputUnusableException(source + ": not JSON: " + e.getOriginalMessage(), e);
        }
        int format = root.path("format").asInt();
        if (format < 1 || format > FORMAT) {
            throw new InputUnusableException(source + ": model.json format " + root.path("format") + " is not one of 1.."
                    + FORMAT + " (a newer sparkdet wrote it?)");
        }
        try {
            ModelFamily family = ModelFamilies.of(root.path("architecture").asText());
            List<String> names = new ArrayList<>();
            root.path("classes").forEach(n -> names.add(n.asText()));
            JsonNode norm = root.path("normalize");
            double[] mean = new double[3];
            double[] std = new double[3];
            for (int c = 0; c < 3; c++) {
                mean[c] = norm.path("mean").path(c).asDouble();
                std[c] = norm.path("std").path(c).asDouble();
            }
            PixelFormat pixels = new PixelFormat(PixelFormat.Channels.of(root.path("channels").asText("rgb")),
                    norm.path("scale").asDouble(), mean, std);
            return new ModelSpec(family.architecture(), root.path("variant").asText(family.variants().get(0)),
                    Task.of(root.path("task").asText(family.task().label())), new ClassList(names),
                    root.path("input_size").path("height").asInt(), root.path("input_size").path("width").asInt(),
                    pixels, Resize.of(root.path("resize").asText(Resize.LETTERBOX.label())), family.readOptions(root));
        } catch (IllegalArgumentException e) {
            throw new InputUnusableException(source + ": " + e.getMessage(), e);
        }
    }
}
