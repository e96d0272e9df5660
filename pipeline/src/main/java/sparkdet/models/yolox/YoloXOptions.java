package sparkdet.models.yolox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import sparkdet.model.FamilyOptions;

/**
 * YOLOX's options in model.json (and in checkpoint state.json): sparkdet's width multiplier on top
 * of the variant ({@code width}) and the outputs' strides ({@code strides}, the reference's 8, 16,
 * 32: the network fixes them, the loss and decoder read them). Anchor-free: nothing is fitted.
 */
public record YoloXOptions(double width, int[] strides) implements FamilyOptions {
    private static final long serialVersionUID = 1L;
    /** the reference's strides, of the outputs P3, P4, P5 */
    static final int[] STRIDES = {8, 16, 32};

    public YoloXOptions {
        if (!(width > 0) || width > 4) {
            throw new IllegalArgumentException("width multiplier must be in (0, 4], got " + width);
        }
        if (!Arrays.equals(strides, STRIDES)) {
            throw new IllegalArgumentException("strides: the YOLOX network's outputs have strides "
                    + Arrays.toString(STRIDES) + ", not " + Arrays.toString(strides));
        }
        strides = strides.clone();
    }

    /** the reference's network at a width */
    public static YoloXOptions of(double width) {
        return new YoloXOptions(width, STRIDES);
    }

    @Override
    public int[] strides() {
        return strides.clone();
    }

    @Override
    public void writeTo(ObjectNode modelJson) {
        modelJson.put("width", width);
        ArrayNode s = modelJson.putArray("strides");
        for (int stride : strides) {
            s.add(stride);
        }
    }

    /** {@code width}: the strides are the network's, always the reference's */
    @Override
    public Map<String, Object> sidecarKeys() {
        return Map.of("width", width);
    }

    /** what {@link #writeTo} wrote, from model.json or a checkpoint's state.json */
    public static YoloXOptions read(JsonNode json) {
        if (!json.path("width").isNumber() || !json.path("strides").isArray()) {
            throw new IllegalArgumentException("a yolox description needs width (a number) and strides ([8, 16, 32])");
        }
        JsonNode s = json.path("strides");
        int[] strides = new int[s.size()];
        for (int i = 0; i < strides.length; i++) {
            strides[i] = s.path(i).asInt();
        }
        return new YoloXOptions(json.path("width").asDouble(), strides);
    }

    @Override
    public String summary() {
        return String.format(Locale.ROOT, "width %s, strides %s", width, Arrays.toString(strides));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof YoloXOptions other && width == other.width && Arrays.equals(strides, other.strides);
    }

    @Override
    public int hashCode() {
        return Double.hashCode(width) * 31 + Arrays.hashCode(strides);
    }
}
