package sparkdet.models.yolov4tiny;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import java.util.Locale;
import sparkdet.model.FamilyOptions;

/**
 * YOLOv4-tiny's part of model.json: the width multiplier ({@code width}), the anchors (w, h) in
 * input pixels ({@code anchors}) and which output uses which ({@code anchors_mask}), under the
 * names sparkdet has always written them.
 */
public record YoloV4TinyOptions(double width, float[][] anchors, int[][] anchorsMask) implements FamilyOptions {
    private static final long serialVersionUID = 1L;

    /** the repository's model_data/yolo_anchors.txt for YOLOv4-tiny, sorted by area */
    static final float[][] DEFAULT_ANCHORS = {{10, 14}, {23, 27}, {37, 58}, {81, 82}, {135, 169}, {344, 319}};
    /** the anchors of each output, P5 then P4; anchor 3 serves both, anchor 0 neither */
    static final int[][] MASK = {{3, 4, 5}, {1, 2, 3}};

    public YoloV4TinyOptions {
        if (!(width > 0) || width > 4) {
            throw new IllegalArgumentException("width multiplier must be in (0, 4], got " + width);
        }
        if (anchorsMask.length != MASK.length) {
            throw new IllegalArgumentException("anchors_mask: YOLOv4-tiny has " + MASK.length + " outputs, the mask names "
                    + anchorsMask.length);
        }
        for (int[] group : anchorsMask) {
            if (group.length != YoloV4Tiny.ANCHORS_PER_SCALE) {
                throw new IllegalArgumentException("anchors_mask: " + YoloV4Tiny.ANCHORS_PER_SCALE
                        + " anchors per output, not " + Arrays.toString(group));
            }
            for (int a : group) {
                if (a < 0 || a >= anchors.length) {
                    throw new IllegalArgumentException("anchors_mask names anchor " + a + " of " + anchors.length);
                }
            }
        }
    }

    /** the reference's anchors and mask at a width */
    public static YoloV4TinyOptions defaults(double width) {
        return new YoloV4TinyOptions(width, DEFAULT_ANCHORS, MASK);
    }

    /** the reference's mask with these anchors */
    public static YoloV4TinyOptions withAnchors(double width, float[][] anchors) {
        return new YoloV4TinyOptions(width, anchors, MASK);
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

    static YoloV4TinyOptions read(JsonNode modelJson) {
        JsonNode maskNode = modelJson.path("anchors_mask");
        int[][] mask = new int[maskNode.size()][];
        for (int i = 0; i < mask.length; i++) {
            mask[i] = new int[maskNode.path(i).size()];
            for (int j = 0; j < mask[i].length; j++) {
                mask[i][j] = maskNode.path(i).path(j).asInt();
            }
        }
        return new YoloV4TinyOptions(modelJson.path("width").asDouble(), readAnchors(modelJson), mask);
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
