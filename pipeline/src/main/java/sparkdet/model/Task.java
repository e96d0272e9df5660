package sparkdet.model;

import java.util.Locale;

/** What a model's outputs are: boxes (detect) or per-pixel classes (segment). model.json's {@code task}. */
public enum Task {
    DETECT, SEGMENT;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Task of(String label) {
        for (Task t : values()) {
            if (t.label().equals(label)) {
                return t;
            }
        }
        throw new IllegalArgumentException("task: detect or segment, not '" + label + "'");
    }
}
