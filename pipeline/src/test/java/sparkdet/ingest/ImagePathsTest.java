package sparkdet.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;

class ImagePathsTest {
    private final Path root = new Path("file:/data/images");

    @Test
    void relativeNamesStayUnderTheRoot() {
        assertThat(ImagePaths.under(root, "a/b.jpg")).hasValue(new Path("file:/data/images/a/b.jpg"));
        assertThat(ImagePaths.under(root, "a/../b.jpg")).hasValue(new Path("file:/data/images/b.jpg"));
        assertThat(ImagePaths.under(root, "a\\b.jpg")).hasValue(new Path("file:/data/images/a/b.jpg"));
    }

    @Test
    void namesThatClimbOutOrAreAbsoluteAreRefused() {
        assertThat(ImagePaths.under(root, "../etc/passwd")).isEmpty();
        assertThat(ImagePaths.under(root, "a/../../x.jpg")).isEmpty();
        assertThat(ImagePaths.under(root, "..\\..\\x.jpg")).isEmpty();
        assertThat(ImagePaths.under(root, "/etc/passwd")).isEmpty();
        assertThat(ImagePaths.under(root, "file:/etc/passwd")).isEmpty();
        assertThat(ImagePaths.under(root, "")).isEmpty();
    }
}
