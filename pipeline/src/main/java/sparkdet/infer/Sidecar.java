package sparkdet.infer;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigResolveOptions;
import com.typesafe.config.ConfigValueFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.Path;
import sparkdet.data.ClassList;
import sparkdet.image.PixelFormat;
import sparkdet.io.InputUnusableException;
import sparkdet.io.Storage;
import sparkdet.model.ModelFamilies;
import sparkdet.model.ModelFamily;
import sparkdet.model.ModelSpec;
import sparkdet.model.SidecarLayout;
import sparkdet.model.Task;
import sparkdet.postprocess.OutputDecoder;
import sparkdet.transforms.Resize;

/**
 * The HOCON file next to an imported model ({@code model.onnx.conf}, {@code model.pt.conf}) that
 * says what the file itself does not (DESIGN.md): {@code layout} (a {@link sparkdet.model.SidecarLayout}
 * found by name, e.g. yolo-anchors or yolov8, which reads its own keys such as anchors), the
 * classes ({@code classes-file} beside the sidecar or below its folder, or {@code classes}), and
 * optionally {@code input-size}, {@code resize} (letterbox or stretch), {@code channels} (rgb or
 * bgr), {@code normalize {scale, mean, std}} (mean and std in the input planes' order) and
 * {@code letterbox-fill}; {@code architecture} (the family: its decoder, with the family's
 * defaults for keys left out, such as the reference's anchors), and for a state dict {@code variant}
 * and the family's keys (e.g. {@code width}). Substitutions
 * resolve within the file only, never from the environment. {@link #describe} writes the sidecar of
 * an export.
 */
public final class Sidecar {
    public static final String SUFFIX = ".conf";
    private static final long MAX_BYTES = 16L << 20;

    private Sidecar() {
    }

    /** the sidecar's path for a model file */
    public static Path of(Path model) {
        return new Path(model.getParent(), model.getName() + SUFFIX);
    }

    /**
     * what a sidecar says
     *
     * @param config the sidecar itself, for a family's own keys
     * @param file where it is, for messages
     */
    public record Described(InferenceSpec spec, Config config, Path file) {
        /**
         * The description a state-dict file ({@code .pth}) of a family's network lacks: the family
         * is the sidecar's {@code architecture}, else the one whose exports have its layout; its
         * options come from the sidecar's keys (e.g. anchors, width).
         */
        public ModelSpec modelSpec() {
            try {
                return familySpec(config, spec.classes(), spec.inputSize(), spec.pixels(), spec.resize());
            } catch (ConfigException | IllegalArgumentException e) {
                throw new InputUnusableException(file + ": " + e.getMessage(), e);
            }
        }
    }

    /** the family's description of the network the sidecar describes, its options from the sidecar's keys */
    private static ModelSpec familySpec(Config config, List<String> classes, int inputSize, PixelFormat pixels,
                                        Resize resize) {
        ModelFamily family = config.hasPath("architecture") ? ModelFamilies.of(config.getString("architecture"))
                : ModelFamilies.ofLayout(config.getString("layout"));
        if (!family.sidecarLayout().equals(config.getString("layout"))) {
            throw new IllegalArgumentException(family.architecture() + " exports have layout "
                    + family.sidecarLayout() + ", not " + config.getString("layout"));
        }
        return new ModelSpec(family.architecture(), config.hasPath("variant") ? config.getString("variant")
                : family.variants().get(0), family.task(), new ClassList(classes), inputSize, inputSize, pixels,
                resize, family.sidecarOptions(config));
    }

    /**
     * The sidecar of an export of this model ({@code sparkdet export}): what {@link #read} needs to
     * decode the export as the model itself decodes, the family's layout, architecture, variant and
     * options (width, anchors...), the classes, the input size, resize, channels and normalisation.
     *
     * @throws IllegalArgumentException for a model of non-square input, which sidecars cannot describe
     */
    public static String describe(ModelSpec spec) {
        if (spec.inputHeight() != spec.inputWidth()) {
            throw new IllegalArgumentException("non-square input " + spec.inputWidth() + "x" + spec.inputHeight()
                    + ": exports (and predict) take square inputs so far");
        }
        Map<String, Object> normalize = new LinkedHashMap<>();
        normalize.put("scale", spec.pixels().scale());
        normalize.put("mean", Arrays.stream(spec.pixels().mean()).boxed().toList());
        normalize.put("std", Arrays.stream(spec.pixels().std()).boxed().toList());
        Map<String, Object> keys = new LinkedHashMap<>();
        keys.put("layout", spec.family().sidecarLayout());
        keys.put("architecture", spec.architecture());
        keys.put("variant", spec.variant());
        keys.put("classes", spec.classes().names());
        keys.put("input-size", spec.inputHeight());
        keys.put("resize", spec.resize().label());
        keys.put("channels", spec.pixels().channels().label());
        keys.put("normalize", normalize);
        keys.putAll(spec.options().sidecarKeys());
        StringBuilder text = new StringBuilder("# written by sparkdet export with the model (docs/predict.md)\n");
        keys.forEach((key, value) -> text.append(key).append(" = ")
                .append(ConfigValueFactory.fromAnyRef(value).render(ConfigRenderOptions.concise())).append('\n'));
        return text.toString();
    }

    /**
     * @param modelInputSize the input side the model file fixes, or -1 when it leaves it open
     */
    public static Described read(Storage storage, Path model, int modelInputSize) throws IOException {
        Path sidecar = of(model);
        if (!storage.exists(sidecar)) {
            throw new InputUnusableException("model " + model + " needs a sidecar " + sidecar + " (HOCON) saying "
                    + "layout (e.g. yolo-anchors, yolov8 or segmentation), classes-file or classes, and the layout's own keys, for "
                    + "yolo-anchors anchors and anchors-mask (docs/predict.md)");
        }
        try {
            String text = text(storage, sidecar);
            // substitutions within the file only: ${HOME} or ${PATH} must not put the machine into the labels
            Config c = ConfigFactory.parseString(text).resolve(ConfigResolveOptions.noSystem());
            List<String> classes = classes(storage, sidecar, c);
            int inputSize = c.hasPath("input-size") ? c.getInt("input-size") : modelInputSize;
            if (inputSize <= 0) {
                throw new InputUnusableException(sidecar + ": the model leaves its input size open; give input-size");
            }
            if (modelInputSize > 0 && inputSize != modelInputSize) {
                throw new InputUnusableException(sidecar + ": input-size " + inputSize + " but the model takes "
                        + modelInputSize);
            }
            Resize resize = c.hasPath("resize") ? Resize.of(c.getString("resize")) : Resize.LETTERBOX;
            int fill = c.hasPath("letterbox-fill") ? c.getInt("letterbox-fill") : 128;
            // a sidecar naming the family decodes as the family does, with its defaults (e.g. the
            // reference's anchors) for what it leaves out; one naming only the layout gives the layout's keys
            SidecarLayout layout = ModelFamilies.layout(c.getString("layout"));
            PixelFormat pixels = pixels(c, layout.pixels());
            if (layout.task() == Task.SEGMENT) {
                // every segmentation family decodes its logits alike; an architecture named must still be one
                // whose exports have this layout, with options it takes (a .pth builds its network from them)
                if (c.hasPath("architecture")) {
                    familySpec(c, classes, inputSize, pixels, resize);
                }
                return new Described(InferenceSpec.segmentation(classes, inputSize, pixels, resize, fill), c, sidecar);
            }
            OutputDecoder decoder = c.hasPath("architecture")
                    ? familySpec(c, classes, inputSize, pixels, resize).newDecoder()
                    : layout.decoder(c, classes.size(), inputSize);
            return new Described(new InferenceSpec(classes, inputSize, pixels, resize, fill, decoder), c, sidecar);
        } catch (ConfigException | IllegalArgumentException e) {
            throw new InputUnusableException(sidecar + ": " + e.getMessage(), e);
        }
    }

    private static List<String> classes(Storage storage, Path sidecar, Config c) throws IOException {
        if (c.hasPath("classes")) {
            return c.getStringList("classes");
        }
        if (!c.hasPath("classes-file")) {
            throw new IllegalArgumentException("classes-file or classes is needed");
        }
        String name = c.getString("classes-file");
        // a model file and its sidecar may come from anyone: the classes file stays beside them
        if (name.isBlank() || name.startsWith("/") || name.startsWith("\\") || name.contains(":")
                || Arrays.asList(name.split("[/\\\\]")).contains("..")) {
            throw new IllegalArgumentException("classes-file '" + name + "' must name a file beside the sidecar or "
                    + "below its folder (no absolute path, no '..', no URI)");
        }
        Path file = new Path(sidecar.getParent(), name);
        if (!storage.exists(file)) {
            throw new IllegalArgumentException("classes file " + file + " does not exist");
        }
        List<String> names = new ArrayList<>();
        for (String line : text(storage, file).split("\r?\n")) {
            if (!line.isBlank()) {
                names.add(line.strip());
            }
        }
        if (names.isEmpty()) {
            throw new IllegalArgumentException("classes file " + file + " names no class");
        }
        return names;
    }

    /** a small text file beside the model; a large one is refused unread */
    private static String text(Storage storage, Path file) throws IOException {
        long length = storage.fs(file).getFileStatus(file).getLen();
        if (length > MAX_BYTES) {
            throw new IllegalArgumentException(file + " is " + length + " bytes, more than the " + MAX_BYTES
                    + " a sidecar or classes file may hold");
        }
        return new String(storage.readBytes(file, MAX_BYTES), StandardCharsets.UTF_8);
    }

    /**
     * {@code channels} (rgb or bgr) and {@code normalize}; what the sidecar leaves out is the layout's
     * ({@link SidecarLayout#pixels}: the YOLO repositories' RGB / 255, YOLOX's ImageNet mean and std)
     */
    private static PixelFormat pixels(Config c, PixelFormat layout) {
        PixelFormat.Channels channels = c.hasPath("channels") ? PixelFormat.Channels.of(c.getString("channels"))
                : layout.channels();
        if (!c.hasPath("normalize")) {
            return new PixelFormat(channels, layout.scale(), layout.mean(), layout.std());
        }
        Config n = c.getConfig("normalize");
        return new PixelFormat(channels, n.hasPath("scale") ? n.getDouble("scale") : layout.scale(),
                triple(n, "mean", layout.mean()), triple(n, "std", layout.std()));
    }

    private static double[] triple(Config n, String key, double[] fallback) {
        if (!n.hasPath(key)) {
            return fallback;
        }
        List<Double> v = n.getDoubleList(key);
        if (v.size() != 3) {
            throw new IllegalArgumentException("normalize." + key + " needs 3 values, one per input plane");
        }
        return new double[] {v.get(0), v.get(1), v.get(2)};
    }
}
