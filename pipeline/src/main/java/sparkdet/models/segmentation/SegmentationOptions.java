package sparkdet.models.segmentation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import sparkdet.model.FamilyOptions;

/**
 * A segmentation family's options in model.json (and checkpoint state.json): the reference's
 * {@code downsample_factor} (the backbone's output stride, 8 or 16; DeepLabv3+ and PSPNet) and
 * {@code aux_branch} (PSPNet's auxiliary head), sparkdet's width multiplier on top of the backbone
 * ({@code width}, 1 = the reference's network), and how the run was trained: the reference's
 * {@code dice_loss}, {@code focal_loss} and {@code cls_weights} (empty = all 1).
 */
public record SegmentationOptions(double width, int downsampleFactor, boolean auxBranch, boolean diceLoss,
                                  boolean focalLoss, float[] classWeights) implements FamilyOptions {
    private static final long serialVersionUID = 1L;

    public SegmentationOptions {
        if (!(width > 0) || width > 4) {
            throw new IllegalArgumentException("width multiplier must be in (0, 4], got " + width);
        }
        if (downsampleFactor != 8 && downsampleFactor != 16) {
            throw new IllegalArgumentException("downsample-factor: 8 or 16, not " + downsampleFactor);
        }
        // refused when the recipe is read, not when the first rank builds its loss
        SegmentationLoss.requireWeights(classWeights);
        classWeights = classWeights.clone();
    }

    /** the reference's network as predict builds it: width 1, no auxiliary branch, the default losses */
    public static SegmentationOptions inference(double width, int downsampleFactor) {
        return new SegmentationOptions(width, downsampleFactor, false, false, false, new float[0]);
    }

    @Override
    public float[] classWeights() {
        return classWeights.clone();
    }

    /** the loss's weight per class, all 1 unless given; refuses a count other than the classes' */
    public float[] classWeights(int classes) {
        if (classWeights.length == 0) {
            float[] ones = new float[classes];
            Arrays.fill(ones, 1f);
            return ones;
        }
        if (classWeights.length != classes) {
            throw new IllegalArgumentException("class-weights: " + classWeights.length + " weights for " + classes
                    + " classes (background included)");
        }
        return classWeights.clone();
    }

    @Override
    public void writeTo(ObjectNode modelJson) {
        modelJson.put("width", width);
        modelJson.put("downsample_factor", downsampleFactor);
        modelJson.put("aux_branch", auxBranch);
        modelJson.put("dice_loss", diceLoss);
        modelJson.put("focal_loss", focalLoss);
        ArrayNode weights = modelJson.putArray("cls_weights");
        for (float w : classWeights) {
            weights.add(w);
        }
    }

    /** {@code width} and {@code downsample-factor}: the network; how it was trained is no export's concern */
    @Override
    public Map<String, Object> sidecarKeys() {
        Map<String, Object> keys = new LinkedHashMap<>();
        keys.put("width", width);
        keys.put("downsample-factor", downsampleFactor);
        return keys;
    }

    /** what {@link #writeTo} wrote, from model.json or a checkpoint's state.json */
    public static SegmentationOptions read(JsonNode json) {
        if (!json.path("downsample_factor").isInt()) {
            throw new IllegalArgumentException("a segmentation description needs downsample_factor (8 or 16)");
        }
        JsonNode w = json.path("cls_weights");
        float[] weights = new float[w.size()];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = (float) w.path(i).asDouble();
        }
        return new SegmentationOptions(json.path("width").asDouble(1.0), json.path("downsample_factor").asInt(),
                json.path("aux_branch").asBoolean(false), json.path("dice_loss").asBoolean(false),
                json.path("focal_loss").asBoolean(false), weights);
    }

    @Override
    public String summary() {
        return String.format(Locale.ROOT, "width %s, downsample factor %d%s%s%s", width, downsampleFactor,
                auxBranch ? ", auxiliary branch" : "", diceLoss ? ", dice loss" : "", focalLoss ? ", focal loss" : "");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SegmentationOptions other && width == other.width
                && downsampleFactor == other.downsampleFactor && auxBranch == other.auxBranch
                && diceLoss == other.diceLoss && focalLoss == other.focalLoss
                && Arrays.equals(classWeights, other.classWeights);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(new Object[] {width, downsampleFactor, auxBranch, diceLoss, focalLoss})
                * 31 + Arrays.hashCode(classWeights);
    }
}
