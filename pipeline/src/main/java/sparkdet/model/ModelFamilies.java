package sparkdet.model;

import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The registry of model families by architecture, and of sidecar layouts by name: Java services
 * (META-INF/services/sparkdet.model.ModelFamily and sparkdet.model.SidecarLayout), one line per
 * family or layout, so generic code never names one. Loaded once per JVM, through this class's
 * own class loader (the application jar's, on executors too).
 */
public final class ModelFamilies {
    private static final Map<String, ModelFamily> FAMILIES = load(ModelFamily.class, ModelFamily::architecture);
    private static final Map<String, SidecarLayout> LAYOUTS = load(SidecarLayout.class, SidecarLayout::name);

    private ModelFamilies() {
    }

    /** @throws IllegalArgumentException for an unknown architecture, naming the known ones */
    public static ModelFamily of(String architecture) {
        ModelFamily family = FAMILIES.get(architecture);
        if (family == null) {
            throw new IllegalArgumentException("unknown architecture '" + architecture + "' (known: "
                    + String.join(", ", FAMILIES.keySet()) + ")");
        }
        return family;
    }

    /** @throws IllegalArgumentException for an unknown layout, naming the known ones */
    public static SidecarLayout layout(String name) {
        SidecarLayout layout = LAYOUTS.get(name);
        if (layout == null) {
            throw new IllegalArgumentException("layout: one of " + String.join(", ", LAYOUTS.keySet()) + ", not '"
                    + name + "'");
        }
        return layout;
    }

    /**
     * The family whose exports have this layout, for a state-dict file whose sidecar names only
     * the layout; the sidecar's {@code architecture} decides where several share it, and without
     * one the family that {@linkplain ModelFamily#ownsSharedLayout owns the shared layout} (the
     * layout's first family, for sidecars written before the others existed).
     */
    public static ModelFamily ofLayout(String layout) {
        var matching = FAMILIES.values().stream().filter(f -> f.sidecarLayout().equals(layout)).toList();
        if (matching.size() > 1) {
            var owner = matching.stream().filter(ModelFamily::ownsSharedLayout).toList();
            if (owner.size() == 1) {
                return owner.get(0);
            }
        }
        if (matching.size() != 1) {
            throw new IllegalArgumentException("layout " + layout + " is the layout of " + (matching.isEmpty()
                    ? "no family sparkdet trains" : matching.stream().map(ModelFamily::architecture).toList()
                    + ": give architecture") + " (families: " + String.join(", ", FAMILIES.keySet()) + ")");
        }
        return matching.get(0);
    }

    private static <T> Map<String, T> load(Class<T> service, Function<T, String> name) {
        Map<String, T> out = new TreeMap<>();
        for (T t : ServiceLoader.load(service, ModelFamilies.class.getClassLoader())) {
            T earlier = out.put(name.apply(t), t);
            if (earlier != null) {
                throw new IllegalStateException("two " + service.getSimpleName() + "s named " + name.apply(t) + ": "
                        + earlier.getClass().getName() + " and " + t.getClass().getName());
            }
        }
        return out;
    }
}
