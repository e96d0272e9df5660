package sparkdet.model;

import java.util.List;

/**
 * What {@link Weights#loadMatching} did: the model tensors it loaded, those it left as they were
 * (each with why), and the file's tensors the model has no place for.
 */
public record LoadReport(String source, List<String> loaded, List<Skipped> skipped, List<String> unused) {
    public LoadReport {
        loaded = List.copyOf(loaded);
        skipped = List.copyOf(skipped);
        unused = List.copyOf(unused);
    }

    /** a model tensor left as it was */
    public record Skipped(String name, String reason) {
        @Override
        public String toString() {
            return name + ": " + reason;
        }
    }

    public boolean complete() {
        return skipped.isEmpty();
    }

    /** one line for an error message (the whole report is logged): the counts and the first tensor skipped */
    public String summary() {
        return source + ": loaded " + loaded.size() + " tensors, skipped " + skipped.size()
                + (skipped.isEmpty() ? "" : " (first " + skipped.get(0) + ")") + ", unused in the file " + unused.size();
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        sb.append(source).append(": loaded ").append(loaded.size()).append(" tensors, skipped ")
                .append(skipped.size()).append(", unused in the file ").append(unused.size());
        for (Skipped s : skipped) {
            sb.append("\n  skipped ").append(s);
        }
        for (String u : unused) {
            sb.append("\n  not in the model: ").append(u);
        }
        return sb.toString();
    }
}
