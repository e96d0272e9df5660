package sparkdet.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import sparkdet.data.ClassList;
import sparkdet.image.PixelFormat;
import sparkdet.io.InputUnusableException;

/**
 * Everything predict needs besides the weights: the architecture and its options, the classes,
 * the anchors in input pixels and which output uses which, the input size, and how the network
 * takes its pixels ({@link PixelFormat}: channel order, value * scale, then minus mean, divided by
 * std). model.json.
 */
public record ModelSpec(String architecture, double width, ClassList classes, float[][] anchors, int[][] anchorsMask,
        int inputHeight, int inputWidth, PixelFormat pixels) {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final int FORMAT = 1;

    public static ModelSpec yolov4Tiny(ClassList classes, double width, float[][] anchors, int inputHeight, int inputWidth) {
        return new ModelSpec(YoloV4Tiny.ARCHITECTURE, width, classes, anchors, Anchors.yolov4TinyMask(),
                inputHeight, inputWidth, PixelFormat.unit());
    }

    public ModelSpec {
        if (!YoloV4Tiny.ARCHITECTURE.equals(architecture)) {
            throw new IllegalArgumentException("unknown architecture '" + architecture + "' (known: " + YoloV4Tiny.ARCHITECTURE + ")");
        }
        if (inputHeight <= 0 || inputWidth <= 0 || inputHeight % YoloV4Tiny.MAX_STRIDE != 0
                || inputWidth % YoloV4Tiny.MAX_STRIDE != 0) {
            throw new IllegalArgumentException("input size " + inputWidth + "x" + inputHeight
                    + " is not a positive multiple of the network's stride " + YoloV4Tiny.MAX_STRIDE);
        }
    }

    /** a new network of this architecture, with freshly initialised weights (in train mode) */
    public YoloV4Tiny newModel() {
        Torch.load();
        return new YoloV4Tiny(classes.size(), width);
    }

    public YoloLoss newLoss(double labelSmoothing) {
        return new YoloLoss(anchors, anchorsMask, classes.size(), inputHeight, inputWidth, labelSmoothing);
    }

    String toJson(String weightsFile) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        root.put("architecture", architecture);
        root.put("width", width);
        root.put("num_classes", classes.size());
        ArrayNode names = root.putArray("classes");
        classes.names().forEach(names::add);
        ArrayNode a = root.putArray("anchors");
        for (float[] anchor : anchors) {
            a.addArray().add(anchor[0]).add(anchor[1]);
        }
        ArrayNode m = root.putArray("anchors_mask");
        for (int[] group : anchorsMask) {
            ArrayNode g = m.addArray();
            for (int i : group) {
                g.add(i);
            }
        }
        root.putObject("input_size").put("height", inputHeight).put("width", inputWidth);
        root.put("channels", pixels.channels().label());
        ObjectNode norm = root.putObject("normalize");
        norm.put("scale", pixels.scale());
        ArrayNode mean = norm.putArray("mean");
        ArrayNode std = norm.putArray("std");
        for (int c = 0; c < 3; c++) {
            mean.add(pixels.mean()[c]);
            std.add(pixels.std()[c]);
        }
        root.put("weights", weightsFile);
        return JSON.writeValueAsString(root);
    }

    /** model.json as written by {@link #toJson}; anything else is refused with the file named */
    static ModelSpec fromJson(String json, String source) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new InputUnusableException(source + ": not JSON: " + e.getOriginalMessage(), e);
        }
        if (root.path("format").asInt() != FORMAT) {
            throw new InputUnusableException(source + ": model.json format " + root.path("format") + " is not " + FORMAT);
        }
        try {
            List<String> names = new ArrayList<>();
            root.path("classes").forEach(n -> names.add(n.asText()));
            JsonNode anchorsNode = root.path("anchors");
            float[][] anchors = new float[anchorsNode.size()][];
            for (int i = 0; i < anchors.length; i++) {
                JsonNode pair = anchorsNode.path(i);
                if (pair.size() != 2) {
                    throw new IllegalArgumentException("anchor " + i + " is not a pair [w, h]: " + pair);
                }
                anchors[i] = new float[] {(float) pair.path(0).asDouble(), (float) pair.path(1).asDouble()};
            }
            JsonNode maskNode = root.path("anchors_mask");
            int[][] mask = new int[maskNode.size()][];
            for (int i = 0; i < mask.length; i++) {
                mask[i] = new int[maskNode.path(i).size()];
                for (int j = 0; j < mask[i].length; j++) {
                    mask[i][j] = maskNode.path(i).path(j).asInt();
                }
            }
            JsonNode norm = root.path("normalize");
            double[] mean = new double[3];
            double[] std = new double[3];
            for (int c = 0; c < 3; c++) {
                mean[c] = norm.path("mean").path(c).asDouble();
                std[c] = norm.path("std").path(c).asDouble();
            }
            return new ModelSpec(root.path("architecture").asText(), root.path("width").asDouble(), new ClassList(names),
                    anchors, mask, root.path("input_size").path("height").asInt(), root.path("input_size").path("width").asInt(),
                    new PixelFormat(PixelFormat.Channels.of(root.path("channels").asText("rgb")),
                            norm.path("scale").asDouble(), mean, std));
        } catch (IllegalArgumentException e) {
            throw new InputUnusableException(source + ": " + e.getMessage(), e);
        }
    }
}
