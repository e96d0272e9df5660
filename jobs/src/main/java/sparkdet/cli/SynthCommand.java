package sparkdet.cli;

import java.nio.file.Path;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import sparkdet.io.AtomicOutput;
import sparkdet.io.Storage;
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
            usage: sparkdet synth --out DIR [--images N] [--seed S] [--size PX] [--overwrite]

              --out     the folder to create: Annotations/, JPEGImages/,
                        ImageSets/Main/{train,val}.txt (80/20), classes.txt (circle, square,
                        triangle); it appears whole when done (written beside it, then renamed)
              --overwrite  replace an existing non-empty --out (refused otherwise)
              --images  how many images (default 200)
              --seed    the random seed (default 1): the same seed gives the same files
              --size    the side of the square images in pixels (default 160, at least 16)
            Each image: a noisy colour gradient with 1 to 6 filled shapes, their boxes 16 to 64
            pixels a side whatever --size is (but no larger than the image), overlapping at most
            at box IoU 0.3.
            """;
    }

    @Override
    public Set<String> valuedOptions() {
        return Set.of("out", "images", "seed", "size");
    }

    @Override
    public Set<String> flagOptions() {
        return Set.of("overwrite");
    }

    @Override
    public int run(Args args, Context context) throws Exception {
        Path out = Path.of(args.required("out")).toAbsolutePath();
        int images = args.intValue("images", 200);
        if (images < 1) {
            throw new UsageException("--images must be at least 1");
        }
        int size = args.intValue("size", ShapesGenerator.DEFAULT_SIZE);
        if (size < ShapesGenerator.MIN_SIDE) {
            throw new UsageException("--size must be at least " + ShapesGenerator.MIN_SIDE + " (the smallest box)");
        }
        AtomicOutput staged = AtomicOutput.begin(new Storage(new Configuration()), Storage.path(out.toString()),
                args.flag("overwrite"));
        try {
            ShapesGenerator.generate(Path.of(staged.dir().toUri()), images, args.intValue("seed", 1), size);
            staged.commit();
        } finally {
            staged.abort();
        }
        context.out().printf("wrote %d images of %dx%d to %s%n", images, size, size, out.toAbsolutePath());
        return Main.OK;
    }
}
