package sparkdet.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Optimizer;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sparkdet.batches.Batch;
import sparkdet.batches.BatchLoader;
import sparkdet.batches.LoaderOptions;
import sparkdet.data.ImageRecord;
import sparkdet.image.PixelFormat;
import sparkdet.ingest.IngestFormat;
import sparkdet.ingest.IngestJob;
import sparkdet.ingest.IngestRequest;
import sparkdet.data.Datasets;
import sparkdet.data.DatasetSchema;
import sparkdet.model.Anchors;
import sparkdet.model.Torch;
import sparkdet.model.YoloLoss;
import sparkdet.model.YoloV4Tiny;
import sparkdet.postprocess.YoloAnchorDecoder;
import sparkdet.synth.ShapesGenerator;
import sparkdet.testing.TestSpark;

/**
 * The whole learning path on a few images, learned by heart: batches, loss, optimiser, then
 * decoding and validation mAP on the same images must find what was learned. A wrong target
 * encoding, decoder or matching shows here as an mAP near zero.
 */
class OverfitTest {
    @TempDir
    Path tmp;

    @Test
    void aFewImagesLearnedByHeartAreFoundAgain() throws Exception {
        Path voc = tmp.resolve("voc");
        ShapesGenerator.generate(voc, 10, 3, 96);
        String ds = tmp.resolve("ds").toString();
        new IngestJob(TestSpark.session()).run(IngestRequest.of(IngestFormat.VOC, voc.toString(), null, "train",
                voc.resolve("classes.txt").toString(), ds, false, TestSpark.config()));
        List<ImageRecord> images = new ArrayList<>();
        Datasets.open(TestSpark.session(), ds).rows().collectAsList().forEach(r -> images.add(DatasetSchema.fromRow(r)));
        Torch.load();
        torch.manual_seed(1);
        List<float[]> sizes = new ArrayList<>();
        images.forEach(r -> sizes.addAll(TrainJob.letterboxedSizes(r, 96)));
        float[][] anchors = TrainJob.anchors(Recipe.of(sparkdet.config.Settings.load(null,
                List.of("train.input-size=96")), ds, tmp.resolve("o").toString()), () -> sizes);
        YoloV4Tiny model = sparkdet.model.ModelSpec.yolov4Tiny(new sparkdet.data.ClassList(ShapesGenerator.CLASSES),
                0.25, anchors, 96, 96).newModel();
        List<Tensor> params = new ArrayList<>(model.namedParameters().values());
        Recipe recipe = Recipe.of(sparkdet.config.Settings.load(null, List.of("train.optimizer=adam",
                "train.lr=1e-3", "train.weight-decay=0")), ds, tmp.resolve("o").toString());
        Optimizer opt = Optimizers.create(recipe, params);
        YoloLoss loss = new YoloLoss(anchors, Anchors.yolov4TinyMask(), 3, 96, 96, 0);
        LoaderOptions plain = LoaderOptions.validation(8, 96, PixelFormat.unit(), TestSpark.pixelLimit());
        float first = Float.NaN;
        float last = Float.NaN;
        for (int step = 0; step < 150; step++) {
            try (BatchLoader loader = new BatchLoader(images, new Configuration(), plain);
                 PointerScope scope = new PointerScope()) {
                Batch b = loader.next();
                opt.zero_grad();
                YoloLoss.Value v = loss.compute(model.forward(Tensor.create(b.images(), b.count(), 3, 96, 96)),
                        b.boxes());
                v.loss().backward();
                opt.step();
                first = step == 0 ? v.value() : first;
                last = v.value();
            }
        }
        double map = new Validator(images.subList(0, 8), new Configuration(), LoaderOptions.validation(8, 96, PixelFormat.unit(), TestSpark.pixelLimit()), 3,
                new YoloAnchorDecoder(anchors, Anchors.yolov4TinyMask(), 3, 96)).map50(model);
        System.out.printf("overfit: loss %.4f -> %.4f, mAP@0.5 on the learned images %.4f%n", first, last, map);
        assertThat(last).isLessThan(first / 3);
        assertThat(map).isGreaterThan(0.5);
    }
}
