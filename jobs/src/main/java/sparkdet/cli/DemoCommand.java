package sparkdet.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import sparkdet.ingest.IngestFormat;
import sparkdet.ingest.IngestJob;
import sparkdet.ingest.IngestRequest;
import sparkdet.ingest.IngestSummary;
import sparkdet.synth.ShapesGenerator;

/**
 * {@code sparkdet demo}: the pipeline on the embedded default data. Today: synthesize a shapes
 * dataset and ingest it; training, prediction and evaluation join as they land.
 */
final class DemoCommand implements Command {
    @Override
    public String name() {
        return "demo";
    }

    @Override
    public String summary() {
        return "the whole chain on synthetic shapes, on this machine";
    }

    @Override
    public String help() {
        return """
            usage: sparkdet demo [--out DIR] [--images N]

              --out     where everything goes (default out/demo; replaced if it exists)
              --images  how many synthetic images (default 200)
            Synthesizes a shapes dataset (VOC layout), ingests its train split into a dataset and
            prints where the outputs are.
            """;
    }

    @Override
    public Set<String> valuedOptions() {
        return Set.of("out", "images");
    }

    @Override
    public Set<String> flagOptions() {
        return Set.of();
    }

    @Override
    public int run(Args args, Context context) throws Exception {
        Path out = Path.of(args.get("out", "out/demo")).toAbsolutePath();
        Path synth = out.resolve("shapes-voc");
        if (Files.exists(synth)) {
            try (var files = Files.walk(synth)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        int images = args.intValue("images", 200);
        ShapesGenerator.generate(synth, images, 1);
        context.out().printf("synthesized %d images in %s%n", images, synth);
        IngestRequest req = IngestRequest.of(IngestFormat.VOC, synth.toString(), null, "train",
                synth.resolve("classes.txt").toString(), out.resolve("dataset").toString(), true, context.config());
        IngestSummary s = new IngestJob(context.spark()).run(req);
        IngestCommand.print(context, s);
        context.out().printf("%nlook at: %s/stats.json, %s/stats.png, %s/quarantine.jsonl%n",
                s.output(), s.output(), s.output());
        return Main.OK;
    }
}
