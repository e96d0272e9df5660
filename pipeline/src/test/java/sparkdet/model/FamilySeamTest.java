package sparkdet.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Generic code never names a model family: no main source outside sparkdet.models imports a
 * family package (sparkdet.models.*) or names one of its classes fully qualified; families are
 * found through the registry's service files alone.
 */
class FamilySeamTest {
    private static final Path PIPELINE = Path.of("src/main/java/sparkdet");
    private static final Path JOBS = Path.of("../jobs/src/main/java/sparkdet");
    /**
     * an import of a family package, or a class of one named in full; not the setting
     * sparkdet.models.max-bytes, which shares the prefix
     */
    private static final Pattern FAMILY_REFERENCE = Pattern.compile(
            "^\\s*import\\s+(static\\s+)?sparkdet\\.models\\.|\\bsparkdet\\.models\\.\\w+\\.[A-Z]");

    @Test
    void genericPackagesDoNotImportAFamily() throws IOException {
        List<String> offences = new ArrayList<>();
        int scanned = 0;
        for (Path root : List.of(PIPELINE, JOBS)) {
            try (Stream<Path> files = Files.walk(root)) {
                for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                    if (root.relativize(file).startsWith("models")) {
                        continue;
                    }
                    scanned++;
                    List<String> lines = Files.readAllLines(file);
                    for (int i = 0; i < lines.size(); i++) {
                        Matcher m = FAMILY_REFERENCE.matcher(lines.get(i));
                        if (m.find()) {
                            offences.add(file + ":" + (i + 1) + ": " + lines.get(i).strip());
                        }
                    }
                }
            }
        }
        assertThat(scanned).as("generic sources scanned").isGreaterThan(100);
        assertThat(offences).as("generic code naming a model family").isEmpty();
    }

    /** and the families are there: every architecture and layout in the service files resolves */
    @Test
    void theServiceFilesNameTheFamilies() throws IOException {
        Path services = Path.of("src/main/resources/META-INF/services");
        for (String line : Files.readAllLines(services.resolve(ModelFamily.class.getName()))) {
            assertThat(line).startsWith("sparkdet.models.");
        }
        assertThat(ModelFamilies.of("yolov4-tiny").sidecarLayout()).isEqualTo("yolo-anchors");
        assertThat(ModelFamilies.layout("yolo-anchors").name()).isEqualTo("yolo-anchors");
        assertThat(ModelFamilies.of("yolov3").sidecarLayout()).isEqualTo("yolo-anchors");
        // a layout two families share: a sidecar without architecture means the first (YoloV3FamilyTest)
        assertThat(ModelFamilies.ofLayout("yolo-anchors").architecture()).isEqualTo("yolov4-tiny");
    }
}
