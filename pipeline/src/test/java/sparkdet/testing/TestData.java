package sparkdet.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The real files the tests use, from Debian packages that .ci/run installs (never committed):
 * labelme-examples, darknet's data folder, opencv-doc; and the golden evaluation cases in shared/.
 */
public final class TestData {
    public static final Path LABELME = Path.of("/usr/share/doc/labelme-examples/examples");
    public static final Path LABELME_VOC = LABELME.resolve("bbox_detection/data_dataset_voc");
    public static final Path LABELME_COCO = LABELME.resolve("instance_segmentation/data_dataset_coco");
    /** labelme's semantic segmentation export of the three VOC photos: masks with 255 and classes up to 20 */
    public static final Path LABELME_SEGMENTATION = LABELME.resolve("semantic_segmentation/data_dataset_voc");
    /** labelme's semantic segmentation export of five video frames (classes car and track) */
    public static final Path LABELME_VIDEO_SEGMENTATION = LABELME.resolve("video_annotation/data_dataset_voc");
    public static final Path DARKNET = Path.of("/usr/share/darknet/data");

    private TestData() {
    }

    public static Path golden() {
        String p = System.getProperty("sparkdet.golden");
        Path golden = p != null ? Path.of(p) : Path.of("../../shared/golden");
        golden = golden.toAbsolutePath().normalize();
        if (!Files.isDirectory(golden)) {
            throw new IllegalStateException(golden + " is missing: the golden cases live in shared/golden beside the checkout");
        }
        return golden;
    }

    /** a file the tests need; a clear failure naming the package that brings it when missing */
    public static Path require(Path p) {
        if (!Files.exists(p)) {
            throw new IllegalStateException(p + " is missing: .ci/run installs the test data "
                    + "(labelme-examples, darknet's data folder, opencv-doc)");
        }
        return p;
    }
}
