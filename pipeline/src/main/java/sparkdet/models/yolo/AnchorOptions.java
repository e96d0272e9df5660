package sparkdet.models.yolo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import sparkdet.model.FamilyOptions;

/**
 * The options of an anchor-based YOLO family in model.json: the width multiplier ({@code width}),
 * the anchors (w, h) in input pixels ({@code anchors}) and which output uses which
 * ({@code anchors_mask}), under the names sparkdet has always written them. The family checks
 * the mask against its outputs ({@link #check}).
 */
public record AnchorOptions(double width, float[][] anchors, int[][] anchorsMask) implements FamilyOptions {
    private static final long serialVersionUID = 1L;

    public AnchorOptions {
        if (!(width > 0) || width > 4) {
            throw new IllegalArgumentException("width multiplier must be in (0, 4], got " + width);
        }
        for (int[] group : anchorsMask) {
            for (int a : group) {
                if (a < 0 || a >= anchors.length) {
                    throw new IllegalArgumentException("anchors_mask names anchor " + a + " of " + anchors.length);
                }
            }
        }
    }

    /**
     * @return these options, when the mask gives {@code outputs} outputs {@code perOutput} anchors each
     * @throws IllegalArgumentException naming the family and what differs
     */
    public AnchorOptions check(String family, int outputs, int perOutput) {
        if (anchorsMask.length != outputs) {
            throw new IllegalArgumentException("anchors_mask: " + family + " has " + outputs + " outputs, the mask names "
                    + anchorsMask.length);
        }
        for (int[] group : anchorsMask) {
            if (group.length != perOutput) {
                throw new IllegalArgumentException("anchors_mask: " + family + " has " + perOutput
                        + " anchors per output, not " + Arrays.toString(group));
            }
        }
        return this;
    }

    @Override
    public void writeTo(ObjectNode modelJson) {
        modelJson.put("width", width);
        ArrayNode a = modelJson.putArray("anchors");
        for (float[] anchor : anchors) {
            a.addArray().add(anchor[0]).add(anchor[1]);
        }
        ArrayNode m = modelJson.putArray("anchors_mask");
        for (int[] group : anchorsMask) {
            ArrayNode g = m.addArray();
            for (int i : group) {
                g.add(i);
            }
        }
    }

    /** {@code width}, {@code anchors} (w0, h0, w1, h1, ...) and {@code anchors-mask}, as {@link YoloAnchorsLayout} reads them */
    @Override
    public Map<String, Object> sidecarKeys() {
        List<Double> flat = new ArrayList<>();
        for (float[] anchor : anchors) {
            for (float side : anchor) {
                // the float's shortest decimal, which reads back to the same float
                flat.add(Double.parseDouble(Float.toString(side)));
            }
        }
        List<List<Integer>> mask = Arrays.stream(anchorsMask).map(g -> Arrays.stream(g).boxed().toList()).toList();
        Map<String, Object> keys = new LinkedHashMap<>();
        keys.put("width", width);
        keys.put("anchors", flat);
        keys.put("anchors-mask", mask);
        return keys;
    }

    public static AnchorOptions read(JsonNode modelJson) {
        JsonNode maskNode = modelJson.path("anchors_mask");
        int[][] mask = new int[maskNode.size()][];
        for (int i = 0; i < mask.length; i++) {
            mask[i] = new int[maskNode.path(i).size()];
            for (int j = 0; j < mask[i].length; j++) {
                mask[i][j] = maskNode.path(i).path(j).asInt();
            }
        }
        return new AnchorOptions(modelJson.path("width").asDouble(), readAnchors(modelJson), mask);
    }

    /** the anchors as model.json and checkpoints hold them: [[w, h], ...] */
    static float[][] readAnchors(JsonNode json) {
        JsonNode anchorsNode = json.path("anchors");
        float[][] anchors = new float[anchorsNode.size()][];
        for (int i = 0; i < anchors.length; i++) {
            JsonNode pair = anchorsNode.path(i);
            if (pair.size() != 2) {
                throw new IllegalArgumentException("anchor " + i + " is not a pair [w, h]: " + pair);
            }
            anchors[i] = new float[] {(float) pair.path(0).asDouble(), (float) pair.path(1).asDouble()};
        }
        return anchors;
    }

    @Override
    public String summary() {
        return String.format(Locale.ROOT, "width %s, anchors %s", width, Arrays.deepToString(anchors));
    }
}
