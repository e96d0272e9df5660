package sparkdet.cli;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import sparkdet.ingest.IngestFormat;
import sparkdet.ingest.IngestJob;
import sparkdet.ingest.IngestRequest;
import sparkdet.ingest.IngestSummary;

/**
 * {@code sparkdet bench}: figures for the closing notes, never a test. Today: the ingest job on
 * one annotation file (bench/ingest-coco.sh makes the COCO-train-sized one).
 */
final class BenchCommand implements Command {
    @Override
    public String name() {
        return "bench";
    }

    @Override
    public String summary() {
        return "measure a job: annotations/s, process wall time, peak heap";
    }

    @Override
    public String help() {
        return """
            usage: sparkdet bench --job ingest --format voc|coco|lines --input PATH [--images DIR] [--classes FILE]

              Runs the job into a temporary folder (deleted afterwards) and prints the objects
              ingested per second of the ingest job (parse, validate, write Parquet), the wall
              time of the whole process since the JVM started, and the JVM's peak heap (the sum
              of the heap pools' peaks: an upper bound). bench/ingest-coco.sh runs it on a
              COCO-train-sized file.
            """;
    }

    @Override
    public Set<String> valuedOptions() {
        return Set.of("job", "format", "input", "images", "classes");
    }

    @Override
    public Set<String> flagOptions() {
        return Set.of();
    }

    @Override
    public int run(Args args, Context context) throws Exception {
        if (!args.get("job", "ingest").equals("ingest")) {
            throw new UsageException("--job: only ingest is measured so far");
        }
        Path tmp = Files.createTempDirectory("sparkdet-bench");
        try {
            IngestRequest req = IngestRequest.of(IngestFormat.parse(args.required("format")), args.required("input"),
                    args.get("images"), null, args.get("classes"), tmp.resolve("dataset").toString(), false,
                    context.config());
            IngestSummary s = new IngestJob(context.spark()).run(req);
            double seconds = s.timings().get("total");
            long objects = s.stats().objects();
            double wall = (System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime()) / 1000.0;
            long peak = 0;
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                if (pool.getType() == MemoryType.HEAP) {
                    peak += pool.getPeakUsage().getUsed();
                }
            }
            IngestCommand.print(context, s);
            context.out().printf("bench ingest: %d objects in %.2f s = %.0f annotations/s; process wall %.2f s; "
                            + "peak heap %d MB (max heap %d MB); master %s%n", objects, seconds, objects / seconds,
                    wall, peak >> 20, Runtime.getRuntime().maxMemory() >> 20, context.spark().sparkContext().master());
            return Main.OK;
        } finally {
            try (var files = Files.walk(tmp)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
