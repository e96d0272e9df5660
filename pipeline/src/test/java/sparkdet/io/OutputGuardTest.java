package sparkdet.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one rule of every command's output: nothing it did not write is replaced unless asked, and never its input. */
class OutputGuardTest {
    private final Storage storage = new Storage(new Configuration());

    @TempDir
    Path tmp;

    @Test
    void anExistingNonEmptyOutputNeedsOverwrite() throws Exception {
        Path out = Files.createDirectories(tmp.resolve("out"));
        assertThat(check(out, false)).as("an empty folder is no loss").isFalse();
        assertThat(check(tmp.resolve("missing"), false)).isFalse();
        Files.writeString(out.resolve("keep.txt"), "mine");
        assertThatThrownBy(() -> check(out, false)).isInstanceOf(OutputGuard.OutputExistsException.class)
                .hasMessageContaining(out.toString()).hasMessageContaining("--overwrite");
        assertThat(check(out, true)).as("replacing, when asked").isTrue();
        assertThat(out.resolve("keep.txt")).hasContent("mine");
    }

    @Test
    void anOutputThatIsOrHoldsAnInputIsRefusedEvenWithOverwrite() throws Exception {
        Path photos = Files.createDirectories(tmp.resolve("run/photos"));
        Files.writeString(photos.resolve("dog.jpg"), "jpeg");
        Path model = Files.writeString(tmp.resolve("run/model.zip"), "zip");
        assertThatThrownBy(() -> check(photos, true, photos.toString()))
                .isInstanceOf(OutputGuard.OutputHoldsInputException.class).hasMessageContaining("holds the input");
        assertThatThrownBy(() -> check(tmp.resolve("run"), true, photos.resolve("dog.jpg").toString()))
                .isInstanceOf(OutputGuard.OutputHoldsInputException.class);
        assertThatThrownBy(() -> check(tmp.resolve("run"), true, "file://" + model))
                .as("a URI and a plain path name the same file").isInstanceOf(OutputGuard.OutputHoldsInputException.class);
        assertThatThrownBy(() -> check(tmp.resolve("run/./photos/.."), true, model.toString()))
                .isInstanceOf(OutputGuard.OutputHoldsInputException.class);
        // a sibling whose name starts the same is not the input's folder
        Path sibling = Files.createDirectories(tmp.resolve("run/photos2"));
        assertThat(check(sibling, true, photos.toString())).isFalse();
        // an output inside the input is not the input (the input is not replaced)
        assertThat(check(photos.resolve("predicted"), false, photos.toString())).isFalse();
    }

    @Test
    void aLinkToTheInputFolderIsTheInputFolder() throws Exception {
        Path photos = Files.createDirectories(tmp.resolve("photos"));
        Files.writeString(photos.resolve("dog.jpg"), "jpeg");
        Path link = Files.createSymbolicLink(tmp.resolve("link"), photos);
        assertThatThrownBy(() -> check(link, true, photos.toString()))
                .isInstanceOf(OutputGuard.OutputHoldsInputException.class);
        Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
        Path linkToPhotos = Files.createSymbolicLink(elsewhere.resolve("photos"), photos);
        assertThatThrownBy(() -> check(tmp.resolve("photos"), true, linkToPhotos.resolve("dog.jpg").toString()))
                .as("an input named through a link").isInstanceOf(OutputGuard.OutputHoldsInputException.class);
        assertThat(photos.resolve("dog.jpg")).exists();
    }

    private boolean check(Path output, boolean overwrite, String... inputs) throws Exception {
        return OutputGuard.check(storage, Storage.path(output.toString()), overwrite, inputs);
    }
}
