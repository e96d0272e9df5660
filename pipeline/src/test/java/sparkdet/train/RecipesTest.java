package sparkdet.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import sparkdet.config.Settings;
import sparkdet.model.ModelFamilies;
import sparkdet.models.yolo.AnchorOptions;
import sparkdet.models.segmentation.SegmentationOptions;
import sparkdet.models.yolo.AnchorYoloFamily;
import sparkdet.models.yolox.YoloXOptions;

/**
 * Every recipe shipped in conf/ loads (no unknown key, a family that accepts its keys), and the
 * reference recipes carry their repository's train.py defaults.
 */
class RecipesTest {
    private static final Path CONF = Path.of("..", "conf");

    static Stream<Path> recipes() throws Exception {
        try (Stream<Path> files = Files.list(CONF)) {
            return files.filter(p -> p.toString().endsWith(".conf"))
                    .filter(p -> !p.getFileName().toString().equals("sparkdet-defaults.conf")).sorted().toList().stream();
        }
    }

    private static Recipe load(Path file) {
        return Recipe.of(Settings.load(file.toString(), List.of()), "data", "out");
    }

    @ParameterizedTest
    @MethodSource("recipes")
    void everyShippedRecipeLoadsAndNamesAFamilyThatTakesIt(Path file) {
        Recipe r = load(file);
        assertThat(r.model()).as(file.toString()).isIn("yolov3", "yolov4", "yolov4-tiny", "yolov5", "yolox",
                "deeplabv3plus", "pspnet", "unet");
        assertThat(r.inputSize() % ModelFamilies.of(r.model()).inputMultiple()).isZero();
        Class<?> options = switch (r.model()) {
            case "yolox" -> YoloXOptions.class;
            case "deeplabv3plus", "pspnet", "unet" -> SegmentationOptions.class;
            default -> AnchorOptions.class;
        };
        assertThat(r.family().fit(List::of, r.seed())).isInstanceOf(options);
    }

    /** the segmentation repositories' train.py defaults, and the learning-rate rules of their train.py */
    @Test
    void segmentationRecipesCarryTheirTrainPyDefaults() {
        Recipe deeplab = load(CONF.resolve("deeplabv3plus.conf"));
        assertThat(List.of(deeplab.variant(), deeplab.inputSize(), deeplab.epochs(), deeplab.freezeEpochs(),
                deeplab.freezeBatchSize(), deeplab.batchSize())).containsExactly("mobilenetv2", 512, 100, 50, 8, 4);
        assertThat(deeplab.family().fit(List::of, 0)).isEqualTo(new SegmentationOptions(1.0, 16, false, false, false,
                new float[0]));
        // SGD 7e-3 at batch 4 over nbs 16, then the floor: 1 % of it within the SGD bounds
        assertThat(new LearningRate(deeplab, 4).at(10)).isLessThanOrEqualTo(7e-3 * 4 / 16);
        assertThat(new LearningRate(deeplab, 4).at(99)).isCloseTo(7e-3 * 4 / 16 * 0.01,
                org.assertj.core.api.Assertions.within(1e-12));
        Recipe pspnet = load(CONF.resolve("pspnet.conf"));
        assertThat(List.of(pspnet.inputSize(), pspnet.lr())).containsExactly(473, 1e-2);
        Recipe unet = load(CONF.resolve("unet.conf"));
        assertThat(List.of(unet.variant(), unet.optimizer(), unet.batchSize())).containsExactly("vgg", "adam", 2);
        // Adam 1e-4 at batch 2 is 1.25e-5 over nbs 16, raised to UNet's lr_limit_min of 1e-4
        assertThat(new LearningRate(unet, 2).at(50)).isLessThanOrEqualTo(1e-4);
        assertThatThrownBy(() -> Recipe.of(Settings.load(CONF.resolve("unet.conf").toString(),
                List.of("train.augment.mosaic=true")), "d", "o")).hasMessageContaining("augment.mosaic");
    }

    @Test
    void referenceRecipesCarryTheirTrainPyDefaults() throws Exception {
        assertThat(recipes().map(p -> p.getFileName().toString()))
                .contains("yolov3.conf", "yolov4.conf", "yolov4-tiny.conf", "yolov5.conf", "yolox.conf");
        Recipe v5 = load(CONF.resolve("yolov5.conf"));
        assertThat(List.of(v5.variant(), v5.inputSize(), v5.epochs(), v5.freezeEpochs(), v5.freezeBatchSize(),
                v5.batchSize())).containsExactly("s", 640, 300, 50, 16, 8);
        assertThat(v5.augment().mosaic()).isTrue();
        assertThat(v5.augment().mosaicProbability()).isEqualTo(0.5);
        assertThat(v5.augment().mixup()).isTrue();
        assertThat(v5.augment().mixupProbability()).isEqualTo(0.5);
        Recipe v3 = load(CONF.resolve("yolov3.conf"));
        assertThat(List.of(v3.inputSize(), v3.epochs(), v3.freezeEpochs(), v3.batchSize())).containsExactly(416, 300,
                50, 8);
        assertThat(v3.augment().mosaic()).isFalse();
        assertThat(v3.augment().mixup()).isFalse();
        Recipe v4 = load(CONF.resolve("yolov4.conf"));
        assertThat(List.of(v4.variant(), v4.inputSize(), v4.epochs(), v4.freezeEpochs(), v4.freezeBatchSize(),
                v4.batchSize())).containsExactly("cspdarknet53", 416, 300, 50, 8, 4);
        assertThat(v4.augment().mosaic()).isTrue();
        assertThat(v4.augment().mosaicProbability()).isEqualTo(0.5);
        assertThat(v4.labelSmoothing()).isZero();
        assertThat(v4.augment().mixup()).isTrue();
        Recipe tiny = load(CONF.resolve("yolov4-tiny.conf"));
        assertThat(List.of(tiny.inputSize(), tiny.freezeEpochs(), tiny.batchSize())).containsExactly(416, 0, 16);
        Recipe x = load(CONF.resolve("yolox.conf"));
        assertThat(List.of(x.variant(), x.inputSize(), x.epochs(), x.freezeEpochs(), x.freezeBatchSize(),
                x.batchSize())).containsExactly("s", 640, 300, 50, 16, 8);
        assertThat(List.of(x.optimizer(), x.lr(), x.minLrRatio(), x.momentum(), x.weightDecay(), x.schedule(),
                x.labelSmoothing())).containsExactly("sgd", 1e-2, 0.01, 0.937, 5e-4, "cos", 0.0);
        assertThat(List.of(x.augment().mosaic(), x.augment().mosaicProbability(), x.augment().mosaicEpochsRatio(),
                x.augment().mixup(), x.augment().mixupProbability(), x.ema().enabled()))
                .containsExactly(true, 0.5, 0.7, true, 0.5, true);
        // anchor-free: fit asks for no box sizes
        assertThat(x.family().fit(() -> {
            throw new AssertionError("an anchor-free family asked for box sizes");
        }, x.seed())).isEqualTo(YoloXOptions.of(1.0));
        for (Recipe r : List.of(v5, v3, v4, tiny)) {
            assertThat(List.of(r.optimizer(), r.lr(), r.minLrRatio(), r.momentum(), r.weightDecay(), r.schedule()))
                    .containsExactly("sgd", 1e-2, 0.01, 0.937, 5e-4, "cos");
            // the repositories' own anchors, not k-means: fit returns them as given
            AnchorOptions anchors = (AnchorOptions) r.family().fit(() -> {
                throw new AssertionError("k-means asked for box sizes");
            }, r.seed());
            assertThat(anchors.anchors()).isDeepEqualTo(((AnchorYoloFamily) ModelFamilies.of(r.model())).defaultOptions(1)
                    .anchors());
        }
    }

    /**
     * blur and rotation: off by default (the YOLO references and unet-pytorch have neither, and
     * shapes-seg's learning figure was measured without them), the references' quarter each in the
     * DeepLabv3+ and PSPNet recipes; out-of-range values and rotation of boxes refused
     */
    @Test
    void blurAndRotationAreTheSegmentationReferencesAndOffElsewhere() throws Exception {
        for (String name : List.of("deeplabv3plus.conf", "pspnet.conf")) {
            Recipe.Augment a = load(CONF.resolve(name)).augment();
            assertThat(List.of(a.blurProbability(), a.rotateProbability(), (double) a.rotateDegrees())).as(name)
                    .containsExactly(0.25, 0.25, 10.0);
        }
        for (Path file : recipes().filter(p -> !p.endsWith("deeplabv3plus.conf") && !p.endsWith("pspnet.conf")).toList()) {
            Recipe.Augment a = load(file).augment();
            assertThat(List.of(a.blurProbability(), a.rotateProbability(), (double) a.rotateDegrees()))
                    .as(file.toString()).containsExactly(0.0, 0.0, 10.0);
        }
        Path unet = CONF.resolve("unet.conf");
        Recipe.Augment set = Recipe.of(Settings.load(unet.toString(), List.of("train.augment.blur-probability=0.5",
                "train.augment.rotate-probability=1", "train.augment.rotate-degrees=180")), "d", "o").augment();
        assertThat(List.of(set.blurProbability(), set.rotateProbability(), (double) set.rotateDegrees()))
                .containsExactly(0.5, 1.0, 180.0);
        for (String[] bad : new String[][] {{"blur-probability=1.5", "augment.blur-probability in [0, 1]"},
                {"blur-probability=-0.1", "augment.blur-probability in [0, 1]"},
                {"rotate-probability=2", "augment.rotate-probability in [0, 1]"},
                {"rotate-degrees=181", "augment.rotate-degrees in [0, 180]"},
                {"rotate-degrees=-1", "augment.rotate-degrees in [0, 180]"},
                {"rotate-degrees=2.5", "augment.rotate-degrees is a whole number"}}) {
            assertThatThrownBy(() -> Recipe.of(Settings.load(unet.toString(), List.of("train.augment." + bad[0])),
                    "d", "o")).as(bad[0]).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(bad[1]);
        }
        // a detection model may blur; a turn would leave its boxes wrong
        assertThat(Recipe.of(Settings.load(CONF.resolve("yolov3.conf").toString(),
                List.of("train.augment.blur-probability=0.25")), "d", "o").augment().blurProbability()).isEqualTo(0.25);
        assertThatThrownBy(() -> Recipe.of(Settings.load(CONF.resolve("yolov3.conf").toString(),
                List.of("train.augment.rotate-probability=0.25")), "d", "o"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("augment.rotate-probability is for segmentation models (masks); boxes would "
                        + "need re-fitting").hasMessageContaining("yolov3");
    }

    @Test
    void mixupWithoutMosaicIsRefused() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Recipe.of(Settings.load(
                CONF.resolve("yolov3.conf").toString(), List.of("train.augment.mixup=true")), "data", "out"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("mixup blends mosaics");
    }
}
