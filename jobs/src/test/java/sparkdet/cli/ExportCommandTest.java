package sparkdet.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static sparkdet.cli.MainTest.run;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sparkdet.cli.MainTest.Result;
import sparkdet.io.Storage;
import sparkdet.model.ModelArchive;
import sparkdet.model.ModelSpec;
import sparkdet.model.Network;
import sparkdet.model.TestModels;
import sparkdet.testing.TestData;

/** sparkdet export from the command line, and predict, fps and video on what it wrote. */
class ExportCommandTest {
    @TempDir
    Path tmp;

    @Test
    void exportsThatPredictFpsAndVideoRun() throws Exception {
        Path model = modelZip();
        Path photos = tmp.resolve("photos");
        Files.createDirectories(photos);
        for (String name : List.of("dog.jpg", "horses.jpg")) {
            Files.copy(TestData.require(TestData.DARKNET.resolve(name)), photos.resolve(name));
        }
        for (String file : List.of("model.onnx", "model.pt")) {
            Path exported = tmp.resolve(file);
            Result export = run("export", "--model", model.toString(), "--format", file.endsWith(".onnx") ? "onnx"
                    : "torchscript", "--output", exported.toString());
            assertThat(export.code()).as(export.err()).isZero();
            assertThat(export.out()).startsWith("wrote " + exported + " (").endsWith(" and its sidecar " + exported
                    + ".conf\n");
            assertThat(tmp.resolve(file + ".conf")).content().contains("architecture = \"yolov4-tiny\"");

            Path out = tmp.resolve("predicted-" + file);
            Result predict = run("predict", "--master", "local[2]", "--model", exported.toString(), "--input",
                    photos.toString(), "--output", out.toString(), "--score", "0.1");
            assertThat(predict.code()).as(predict.err()).isZero();
            assertThat(predict.out()).contains("predicted 2 images (0 could not be read)");
            assertThat(out.resolve("txt/horses.txt")).exists();

            Result fps = run("fps", "--model", exported.toString(), "--input", photos.resolve("dog.jpg").toString(),
                    "--runs", "3", "--warmup", "1");
            assertThat(fps.code()).as(fps.err()).isZero();
            assertThat(fps.out()).containsPattern("network only +[0-9.]+ FPS");

            Result video = run("video", "--model", exported.toString(), "--input",
                    TestData.require(Path.of("/usr/share/doc/opencv-doc/examples/data/vtest.avi")).toString(),
                    "--output", tmp.resolve(file + ".mp4").toString(), "--max-frames", "3");
            assertThat(video.code()).as(video.err()).isZero();
            assertThat(video.out()).startsWith("3 frames");
        }
    }

    @Test
    void refusesWhatItCannotWriteAsAsked() throws Exception {
        Path model = modelZip();
        Path onnx = tmp.resolve("model.onnx");
        assertUsage(run("export", "--model", model.toString(), "--format", "tflite", "--output", onnx.toString()),
                "--format: onnx or torchscript, not 'tflite'");
        assertUsage(run("export", "--model", model.toString(), "--format", "onnx", "--output",
                tmp.resolve("model.pt").toString()), "must be named *.onnx");
        assertUsage(run("export", "--model", model.toString(), "--format", "torchscript", "--output",
                tmp.resolve("model.pt").toString(), "--half"), "--half: ONNX only");
        assertThat(tmp.resolve("model.pt")).doesNotExist();

        assertThat(run("export", "--model", model.toString(), "--format", "onnx", "--output", onnx.toString()).code())
                .isZero();
        byte[] first = Files.readAllBytes(onnx);
        Result again = run("export", "--model", model.toString(), "--format", "onnx", "--output", onnx.toString(),
                "--half");
        assertUsage(again, "already exists");
        assertThat(onnx).hasBinaryContent(first);
        // a sidecar left beside a missing model is an output too
        Files.delete(onnx);
        assertUsage(run("export", "--model", model.toString(), "--format", "onnx", "--output", onnx.toString()),
                "model.onnx.conf already exists");
        Result replaced = run("export", "--model", model.toString(), "--format", "onnx", "--output", onnx.toString(),
                "--half", "--overwrite");
        assertThat(replaced.code()).as(replaced.err()).isZero();
        assertThat(Files.size(onnx)).as("float16 weights").isLessThan(first.length * 6L / 10);
        try (var left = Files.list(tmp)) {
            assertThat(left.map(p -> p.getFileName().toString())).as("nothing staged is left")
                    .noneMatch(name -> name.startsWith("."));
        }

        Result notAModel = run("export", "--model", onnx.toString(), "--format", "onnx", "--output",
                tmp.resolve("again.onnx").toString());
        assertThat(notAModel.code()).isEqualTo(3);
        assertThat(notAModel.err()).contains(onnx.getFileName().toString());
        assertThat(tmp.resolve("again.onnx")).doesNotExist();
    }

    private static void assertUsage(Result r, String why) {
        assertThat(r.code()).as(r.err()).isEqualTo(2);
        assertThat(r.err()).contains(why);
    }

    /** a small YOLOv4-tiny as train writes it */
    private Path modelZip() throws Exception {
        Path zip = tmp.resolve("model.zip");
        ModelSpec spec = TestModels.yolov4Tiny(3, 0.25, 96);
        try (Network network = spec.newNetwork()) {
            ModelArchive.write(new Storage(new Configuration()), zip.toString(), spec, network);
        }
        return zip;
    }
}
