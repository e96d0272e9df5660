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

    @Test
    void mixupWithoutMosaicIsRefused() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Recipe.of(Settings.load(
                CONF.resolve("yolov3.conf").toString(), List.of("train.augment.mixup=true")), "data", "out"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("mixup blends mosaics");
    }
}
