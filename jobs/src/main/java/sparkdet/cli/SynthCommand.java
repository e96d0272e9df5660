package sparkdet.cli;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import sparkdet.io.AtomicOutput;
import sparkdet.io.Storage;
import sparkdet.model.Task;
import sparkdet.synth.ShapesGenerator;

/** {@code sparkdet synth}: a synthetic shapes dataset in the VOC layout. */
final class SynthCommand implements Command {
    @Override
    public String name() {
        return "synth";
    }

    @Override
    public String summary() {
        return "a synthetic shapes dataset (VOC layout) to try everything on";
    }

    @Override
    public String help() {
        return """
            usage: sparkdet synth --output DIR [--images N] [--seed S] [--size PX] [--task detect|segment]
                                  [--overwrite]

              --output  (alias --out) the folder to create: Annotations/, JPEGImages/,
                        ImageSets/Main/{train,val}.txt (80/20), classes.txt (circle, square,
                        triangle); it appears whole when done (written beside it, then renamed)
              --overwrite  replace an existing non-empty --output (refused otherwise)
              --images  how many images (default 200)
              --seed    the random seed (default 1): the same seed gives the same files
              --size    the side of the square images in pixels (default 160, at least 16)
              --task    detect (default) or segment: the same files, and beside them
                        SegmentationClass/ (VOC-palette masks: 0 background, 1 circle, 2 square,
                        3 triangle), ImageSets/Segmentation/{train,val}.txt (the same splits) and
                        class_names.txt (background first), for `sparkdet ingest --format voc-seg`
            Each image: a noisy colour gradient with 1 to 6 filled shapes, their boxes 16 to 64
            pixels a side whatever --size is (but no larger than the image), overlapping at most
            at box IoU 0.3. A mask pixel holds the class of the last shape drawn over its centre.
            """;
    }

    @Override
    public Set<String> valuedOptions() {
        return Set.of("output", "images", "seed", "size", "task");
    }

    @Override
    public Map<String, String> aliases() {
        return Map.of("out", "output");
    }

    @Override
    public Set<String> flagOptions() {
        return Set.of("overwrite");
    }

    @Override
    public int run(Args args, Context context) throws Exception {
        Path out = Path.of(args.required("output")).toAbsolutePath();
        int images = args.intValue("images", 200);
        if (images < 1) {
            throw new UsageException("--images must be at least 1");
        }
        int size = args.intValue("size", ShapesGenerator.DEFAULT_SIZE);
        if (size < ShapesGenerator.MIN_SIDE) {
            throw new UsageException("--size must be at least " + ShapesGenerator.MIN_SIDE + " (the smallest box)");
        }
        Task task = args.task(Task.DETECT);
        AtomicOutput staged = AtomicOutput.begin(new Storage(new Configuration()), Storage.path(out.toString()),
                args.flag("overwrite"));
        try {
            ShapesGenerator.generate(Path.of(staged.dir().toUri()), images, args.intValue("seed", 1), size, task);
            staged.commit();
        } finally {
            staged.abort();
        }
        context.out().printf("wrote %d images of %dx%d%s to %s%n", images, size, size,
                task == Task.SEGMENT ? " with their masks" : "", out.toAbsolutePath());
        return Main.OK;
    }
}
