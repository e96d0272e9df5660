package sparkdet.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static sparkdet.cli.MainTest.run;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sparkdet.cli.MainTest.Result;

/** synth --task: detection by default (no masks), segmentation on request; an existing output only with --overwrite. */
class SynthCommandTest {
    @TempDir
    Path tmp;

    @Test
    void masksOnlyWhenAskedFor() {
        Path detect = tmp.resolve("detect");
        Result r = run("synth", "--output", detect.toString(), "--images", "5", "--size", "32");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("wrote 5 images of 32x32 to").doesNotContain("masks");
        assertThat(detect.resolve("SegmentationClass")).doesNotExist();
        assertThat(detect.resolve("class_names.txt")).doesNotExist();

        Path segment = tmp.resolve("segment");
        // --out: the old spelling of --output
        assertThat(run("synth", "--out", segment.toString(), "--images", "5", "--size", "32", "--task", "segment")
                .code()).isZero();
        assertThat(segment.resolve("SegmentationClass/000005.png")).isNotEmptyFile();
        assertThat(segment.resolve("ImageSets/Segmentation/val.txt")).hasContent("000005");
        assertThat(segment.resolve("class_names.txt")).hasContent("background\ncircle\nsquare\ntriangle");
    }

    @Test
    void anUnknownTaskIsAUsageError() {
        Result r = run("synth", "--output", tmp.resolve("x").toString(), "--task", "detection");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--task must be detect or segment, not 'detection'");
        assertThat(tmp.resolve("x")).doesNotExist();
    }

    @Test
    void anExistingOutputIsReplacedOnlyWithOverwrite() throws Exception {
        Path out = tmp.resolve("shapes");
        assertThat(run("synth", "--output", out.toString(), "--images", "3", "--size", "32").code()).isZero();
        Result again = run("synth", "--output", out.toString(), "--images", "4", "--size", "32");
        assertThat(again.code()).isEqualTo(2);
        assertThat(again.err()).contains(out.toString()).contains("already exists").contains("--overwrite");
        assertThat(out.resolve("JPEGImages/000003.jpg")).exists();
        assertThat(out.resolve("JPEGImages/000004.jpg")).doesNotExist();
        Result replaced = run("synth", "--output", out.toString(), "--images", "4", "--size", "32", "--overwrite");
        assertThat(replaced.code()).as(replaced.err()).isZero();
        assertThat(out.resolve("JPEGImages/000004.jpg")).exists();
    }
}
