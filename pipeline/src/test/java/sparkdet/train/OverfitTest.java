package sparkdet.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sparkdet.batches.Batch;
import sparkdet.batches.BatchLoader;
import sparkdet.batches.LoaderOptions;
import sparkdet.data.ImageRecord;
import sparkdet.ingest.IngestFormat;
import sparkdet.ingest.IngestJob;
import sparkdet.ingest.IngestRequest;
import sparkdet.data.Datasets;
import sparkdet.data.DatasetSchema;
import sparkdet.model.ModelSpec;
import sparkdet.model.Network;
import sparkdet.model.Targets;
import sparkdet.model.Torch;
import sparkdet.model.TrainingStep;
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
        Recipe recipe = Recipe.of(sparkdet.config.Settings.load(null, List.of("train.input-size=96",
                "train.width=0.25", "train.optimizer=adam", "train.lr=1e-3", "train.weight-decay=0")), ds,
                tmp.resolve("o").toString());
        ModelSpec spec = recipe.spec(new sparkdet.data.ClassList(ShapesGenerator.CLASSES),
                recipe.family().fit(() -> sizes, recipe.seed()));
        Network model = spec.newNetwork();
        TrainingStep step = new TrainingStep(model, spec.newLoss(0),
                Optimizers.create(recipe, new ArrayList<>(model.namedParameters().values())));
        LoaderOptions plain = LoaderOptions.validation(8, 96, spec.pixels(), TestSpark.pixelLimit());
        float first = Float.NaN;
        float last = Float.NaN;
        for (int i = 0; i < 150; i++) {
            try (BatchLoader loader = new BatchLoader(images, new Configuration(), plain)) {
                Batch b = loader.next();
                last = step.train(b.images(), b.size(), b.size(), new Targets(b.boxes()));
                first = i == 0 ? last : first;
            }
        }
        double map = new Validator(images.subList(0, 8), new Configuration(), plain, 3, spec.newDecoder()).score(model);
        System.out.printf("overfit: loss %.4f -> %.4f, mAP@0.5 on the learned images %.4f%n", first, last, map);
        assertThat(last).isLessThan(first / 3);
        assertThat(map).isGreaterThan(0.5);
    }
}
