package sparkdet.export;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import sparkdet.data.ClassList;
import sparkdet.image.PixelFormat;
import sparkdet.image.RgbImage;
import sparkdet.infer.BackEndParity;
import sparkdet.infer.Detector;
import sparkdet.infer.Detectors;
import sparkdet.infer.Sidecar;
import sparkdet.io.Storage;
import sparkdet.model.Fixtures;
import sparkdet.model.ModelArchive;
import sparkdet.model.ModelFamily;
import sparkdet.model.ModelFamilies;
import sparkdet.model.ModelFiles;
import sparkdet.model.ModelSpec;
import sparkdet.model.Network;
import sparkdet.model.RawOutputs;
import sparkdet.model.Task;
import sparkdet.model.Weights;
import sparkdet.models.segmentation.FormulaWeights;
import sparkdet.models.yolox.YoloXLayout;
import sparkdet.transforms.Resize;

/**
 * Every family's network, small and with weights of every scale (batch norms' statistics included,
 * so folding them matters), written as model.zip and exported by sparkdet to ONNX and to
 * TorchScript: opened by file name with the sidecars the export wrote, both give the model.zip's
 * raw outputs to 1e-3 and its boxes or class maps on real photos, three at once (a batch the trace,
 * of one image, did not have).
 */
class ModelExportTest {
    private static final List<String> DETECTION_CLASSES = List.of("circle", "square", "triangle");
    private static final List<String> SEGMENTATION_CLASSES = List.of("background", "circle", "square", "triangle");

    /**
     * the family's variant, input side and options (its sidecar keys), how it takes its pixels, and
     * its weights: the formula's (FormulaWeights: every tensor of its role's scale, batch-norm
     * statistics included) or a fixture's where those leave the photos one class (DeepLabv3+)
     */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "yolov4-tiny   | phi0         | 160 | width = 0.25     | rgb           | formula",
        "yolov4-tiny   | phi1         | 96  | width = 0.125    | rgb           | formula",
        "yolov4-tiny   | phi2         | 96  | width = 0.125    | rgb           | formula",
        "yolov4-tiny   | phi3         | 96  | width = 0.125    | rgb           | formula",
        "yolov4-tiny   | phi4         | 96  | width = 0.125    | rgb           | formula",
        "yolov3        | darknet53    | 96  | width = 0.03125  | rgb           | formula",
        "yolov4        | cspdarknet53 | 96  | width = 0.015625 | rgb           | formula",
        "yolov5        | s            | 96  | width = 0.25     | bgr stretched | formula",
        "yolox         | nano         | 96  | width = 0.5      | imagenet      | formula",
        "yolox         | tiny         | 64  | width = 0.25     | imagenet      | formula",
        "deeplabv3plus | mobilenetv2  | 64  | width = 0.125    | rgb           | deeplabv3plus_mobilenetv2_w0125_c4.pth",
        "pspnet        | mobilenetv2  | 48  | width = 0.125, downsample-factor = 8 | rgb | formula",
        "unet          | vgg          | 64  | width = 0.0625   | bgr stretched | formula",
        "deeplabv3plus | xception     | 64  | width = 1        | rgb           | formula",
        "pspnet        | resnet50     | 64  | width = 1        | rgb           | formula",
        "unet          | resnet50     | 64  | width = 1        | rgb           | formula"})
    void onnxAndTorchScriptExportsDecodeAsTheModelZip(String architecture, String variant, int size, String options,
                                                       String pixels, String weights, @TempDir Path dir)
            throws Exception {
        ModelSpec spec = spec(architecture, variant, size, options, pixels);
        Storage storage = new Storage(new Configuration());
        String zip = dir.resolve("model.zip").toString();
        try (Network network = spec.newNetwork()) {
            if (weights.equals("formula")) {
                FormulaWeights.fill(network, List.copyOf(network.stateDict().keySet()));
            } else {
                assertThat(Weights.loadMatching(network, Fixtures.bytes(weights), weights,
                        ModelFiles.MAX_BYTES_CEILING).skipped()).isEmpty();
            }
            ModelArchive.write(storage, zip, spec, network);
        }
        String onnx = dir.resolve("model.onnx").toString();
        String script = dir.resolve("model.pt").toString();
        ModelExport.Result written = ModelExport.run(storage, zip, ModelExport.Format.ONNX, onnx, false, false,
                ModelFiles.MAX_BYTES_CEILING);
        assertThat(written.sidecar().toString()).endsWith("model.onnx.conf");
        ModelExport.run(storage, zip, ModelExport.Format.TORCHSCRIPT, script, false, false,
                ModelFiles.MAX_BYTES_CEILING);

        // the sidecar describes the network as model.json does
        for (String export : List.of(onnx, script)) {
            Sidecar.Described sidecar = Sidecar.read(storage, Storage.path(export), -1);
            assertThat(sidecar.modelSpec().summary()).isEqualTo(spec.summary());
            assertThat(sidecar.spec().pixels()).usingRecursiveComparison().isEqualTo(spec.pixels());
            assertThat(sidecar.spec().resize()).isEqualTo(spec.resize());
        }
        List<Detector> exports = new ArrayList<>();
        try (Detector own = open(storage, zip)) {
            exports.add(open(storage, onnx));
            exports.add(open(storage, script));
            if (spec.task() == Task.SEGMENT) {
                BackEndParity.assertSameMasks(own, exports, BackEndParity.segmentationPhotos(),
                        BackEndParity.SEGMENTATION_PHOTOS);
            } else {
                BackEndParity.assertSameOutputsAndBoxes(own, exports, BackEndParity.detectionPhotos());
            }
        } finally {
            exports.forEach(Detector::close);
        }
    }

    /**
     * --half: the weights stored as float16 halve the file, and the outputs (computed in float32 from
     * the rounded weights) move by a fraction of a percent of their range, no more
     */
    @Test
    void halfWeightsHalveTheFileAndBarelyMoveTheOutputs(@TempDir Path dir) throws Exception {
        ModelSpec spec = spec("yolov4-tiny", "phi2", 96, "width = 0.25", "rgb");
        Storage storage = new Storage(new Configuration());
        String zip = dir.resolve("model.zip").toString();
        try (Network network = spec.newNetwork()) {
            FormulaWeights.fill(network, List.copyOf(network.stateDict().keySet()));
            ModelArchive.write(storage, zip, spec, network);
        }
        String full = dir.resolve("full.onnx").toString();
        String half = dir.resolve("half.onnx").toString();
        long fullBytes = ModelExport.run(storage, zip, ModelExport.Format.ONNX, full, false, false,
                ModelFiles.MAX_BYTES_CEILING).bytes();
        long halfBytes = ModelExport.run(storage, zip, ModelExport.Format.ONNX, half, false, true,
                ModelFiles.MAX_BYTES_CEILING).bytes();
        assertThat(halfBytes).isLessThan(fullBytes * 55 / 100);
        List<RgbImage> photos = BackEndParity.detectionPhotos();
        try (Detector a = open(storage, full); Detector b = open(storage, half)) {
            RawOutputs expected = a.run(a.prepare(photos));
            RawOutputs found = b.run(b.prepare(photos));
            for (int o = 0; o < expected.values().length; o++) {
                float range = 0;
                float moved = 0;
                for (int i = 0; i < expected.values()[o].length; i++) {
                    range = Math.max(range, Math.abs(expected.values()[o][i]));
                    moved = Math.max(moved, Math.abs(expected.values()[o][i] - found.values()[o][i]));
                }
                System.out.printf("output %d: float16 weights move it by %.3g of %.3g%n", o, moved, range);
                assertThat(moved).as("output %d", o).isPositive().isLessThan(0.01f * range);
            }
        }
    }

    static ModelSpec spec(String architecture, String variant, int size, String options, String pixels) {
        ModelFamily family = ModelFamilies.of(architecture);
        List<String> classes = family.task() == Task.SEGMENT ? SEGMENTATION_CLASSES : DETECTION_CLASSES;
        PixelFormat format = switch (pixels) {
            case "imagenet" -> YoloXLayout.PIXELS;
            case "bgr stretched" -> new PixelFormat(PixelFormat.Channels.BGR, 1.0 / 255, new double[] {0.1, 0.2, 0.3},
                    new double[] {0.9, 1.0, 1.1});
            default -> PixelFormat.unit();
        };
        return new ModelSpec(architecture, variant, family.task(), new ClassList(classes), size, size, format,
                pixels.endsWith("stretched") ? Resize.STRETCH : Resize.LETTERBOX,
                family.sidecarOptions(ConfigFactory.parseString(options.replace(", ", "\n"))));
    }

    /**
     * on one thread, as the other back-end tests open models: libtorch's thread count is the
     * process's, and the learning tests that run later in this JVM (YoloXLearnsTest) were tuned at one
     */
    static Detector open(Storage storage, String file) throws Exception {
        return Detectors.open(storage, file, 1, "cpu", ModelFiles.MAX_BYTES_CEILING);
    }
}
