package sparkdet.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StorageTest {
    @TempDir
    Path tmp;

    @Test
    void localPathsBecomeFileUrisWithoutTrailingSlash() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("my data"));
        org.apache.hadoop.fs.Path p = Storage.path(dir.toString());
        assertThat(p.toUri().getScheme()).isEqualTo("file");
        assertThat(p.getName()).isEqualTo("my data");
        assertThat(p.getParent().getName()).isEqualTo(tmp.getFileName().toString());
        assertThat(Storage.path("hdfs://nn:8020/data/ds/").getName()).isEqualTo("ds");
        assertThat(Storage.path("s3a://bucket/a b/c").getName()).isEqualTo("c");
    }

    @Test
    void listingWalksFoldersSortedAndLeavesHiddenOnesOut() throws Exception {
        for (String f : new String[] {"b/c/x.JPG", "a.jpg", "b/y.png", "b/z.txt", ".out.tmp-1/w.jpg", "_tmp/v.jpg",
                "b/.hidden.jpg", "run:2/u.jpg"}) {
            Files.createDirectories(tmp.resolve(f).getParent());
            Files.writeString(tmp.resolve(f), "x");
        }
        Storage storage = new Storage(new org.apache.hadoop.conf.Configuration());
        assertThat(storage.listFiles(Storage.path(tmp.toString()), ".jpg", ".png").stream()
                .map(p -> tmp.toUri().relativize(java.net.URI.create(p.toUri().toString())).getPath()).toList())
                .as("staging folders of outputs written inside the input are no input")
                .containsExactly("a.jpg", "b/c/x.JPG", "b/y.png", "run:2/u.jpg");
        assertThat(storage.listFiles(Storage.path(tmp.resolve("b").toString()), false, ".jpg", ".png"))
                .as("the folder's own files only").extracting(org.apache.hadoop.fs.Path::getName)
                .containsExactly("y.png");
        assertThat(storage.listFiles(Storage.path(tmp.toString()), ".jpg").get(0).toString())
                .isEqualTo("file:" + tmp.resolve("a.jpg"));
    }

    @Test
    void atomicOutputReplacesOnlyWhenAskedAndOnlyWhenComplete() throws Exception {
        Storage storage = new Storage(new org.apache.hadoop.conf.Configuration());
        org.apache.hadoop.fs.Path target = Storage.path(tmp.resolve("out").toString());
        AtomicOutput first = AtomicOutput.begin(storage, target, false);
        storage.writeText(first.resolve("a.txt"), "one");
        assertThat(tmp.resolve("out")).doesNotExist();
        first.commit();
        assertThat(tmp.resolve("out/a.txt")).hasContent("one");
        assertThat(tmp.resolve("out/_SUCCESS")).exists();

        org.apache.hadoop.fs.Path again = Storage.path(tmp.resolve("out").toString());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> AtomicOutput.begin(storage, again, false))
                .isInstanceOf(OutputGuard.OutputExistsException.class);
        AtomicOutput failed = AtomicOutput.begin(storage, again, true);
        storage.writeText(failed.resolve("a.txt"), "half");
        failed.abort();
        assertThat(tmp.resolve("out/a.txt")).hasContent("one");

        AtomicOutput second = AtomicOutput.begin(storage, again, true);
        storage.writeText(second.resolve("b.txt"), "two");
        second.commit();
        assertThat(tmp.resolve("out/b.txt")).hasContent("two");
        assertThat(tmp.resolve("out/a.txt")).doesNotExist();
        try (var left = Files.list(tmp)) {
            assertThat(left.map(x -> x.getFileName().toString())).containsExactly("out");
        }
    }
}
