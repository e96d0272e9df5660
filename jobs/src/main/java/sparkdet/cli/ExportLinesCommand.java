package sparkdet.cli;

import java.util.Map;
import java.util.Set;
import sparkdet.ingest.LinesExport;

/** {@code sparkdet export-lines}: a dataset back into annotation lines. */
final class ExportLinesCommand implements Command {
    @Override
    public String name() {
        return "export-lines";
    }

    @Override
    public String summary() {
        return "a dataset back into the YOLO repositories' annotation lines";
    }

    @Override
    public String help() {
        return """
            usage: sparkdet export-lines --input URI --output FILE [--integers] [--skip-difficult] [--overwrite]

              --input           (alias --dataset) a dataset written by `sparkdet ingest`
              --output          the lines file: "path x1,y1,x2,y2,class ..." one image a line, UTF-8
                                (an existing one is refused unless --overwrite)
              --integers        truncate coordinates to integers, as voc_annotation.py does (the YOLO
                                repositories' readers parse integers only); default: exact values
              --skip-difficult  leave out difficult objects, as voc_annotation.py does
            The class indices are those of the dataset's classes.txt: pass it as the classes file.
            """;
    }

    @Override
    public Set<String> valuedOptions() {
        return Set.of("input", "output");
    }

    @Override
    public Map<String, String> aliases() {
        return Map.of("dataset", "input");
    }

    @Override
    public Set<String> flagOptions() {
        return Set.of("integers", "skip-difficult", "overwrite");
    }

    @Override
    public int run(Args args, Context context) throws Exception {
        long n = new LinesExport(context.spark()).run(args.required("input"), args.required("output"),
                args.flag("integers"), args.flag("skip-difficult"), args.flag("overwrite"));
        context.out().printf("wrote %d lines to %s%n", n, args.required("output"));
        return Main.OK;
    }
}
