package sparkdet.model;

import java.util.List;

/**
 * Parameters that transfer learning keeps frozen for the recipe's {@code freeze-epochs} (the
 * backbone), by state-dict name prefix.
 */
public record FreezeGroup(String name, List<String> prefixes) {
    public FreezeGroup {
        prefixes = List.copyOf(prefixes);
    }

    public boolean holds(String parameterName) {
        return prefixes.stream().anyMatch(parameterName::startsWith);
    }
}
