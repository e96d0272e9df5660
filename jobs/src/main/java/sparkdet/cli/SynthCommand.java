package sparkdet.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
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
            usage: sparkdet synth --out DIR [--images N] [--seed S]

              --out     the folder to create (must not exist): Annotations/, JPEGImages/,
                        ImageSets/Main/{train,val}.txt, classes.txt (circle, square, triangle)
              --images  how many images (default 200)
              --seed    the random seed (default 1): the same seed gives the same files
            """;
    }

    @Override
    public Set<String> valuedOptions() {
        return Set.of("out", "images", "seed");
    }

    @Override
    public Set<String> flagOptions() {
        return Set.of();
    }

    @Override
    public int run(Args args, Context context) throws Exception {
        Path out = Path.of(args.required("out"));
        if (Files.exists(out)) {
            throw new UsageException(out + " already exists");
        }
        int images = args.intValue("images", 200);
        if (images < 1) {
            throw new UsageException("--images must be at least 1");
        }
        ShapesGenerator.generate(out, images, args.intValue("seed", 1));
        context.out().printf("wrote %d images to %s%n", images, out.toAbsolutePath());
        return Main.OK;
    }
}
