package sparkdet.cli;

import java.util.Set;
import sparkdet.data.DatasetTables;

/** {@code sparkdet show}: a dataset's images or boxes as a CSV or JSON table, for tools without Parquet. */
final class ShowCommand implements Command {
    @Override
    public String name() {
        return "show";
    }

    @Override
    public String summary() {
        return "a dataset's images or boxes as a CSV or JSON table";
    }

    @Override
    public String help() {
        return """
            usage: sparkdet show --input URI --output FILE.csv|FILE.json [--table images|boxes] [--overwrite]

              --input      a dataset written by `sparkdet ingest`
              --output     the table file: .csv (a header line, RFC 4180 quoting, UTF-8) or .json (an
                           array of objects); written beside it, then renamed into place
              --table      images (default): image_id, coco_image_id, file_name, uri, width, height,
                             split, objects (how many), mask_uri (segmentation; empty otherwise)
                           boxes: one row per object: image_id, file_name, image_width, image_height,
                             class_index, label, category_id, xmin, ymin, xmax, ymax, area, difficult,
                             truncated, iscrowd
              --overwrite  replace an existing --output
            Rows in image_id order, objects in the order of their source. For pandas without pyarrow;
            the dataset's stats.json and quarantine.jsonl (one JSON object a line) are readable as
            they are.
            """;
    }

    @Override
    public Set<String> valuedOptions() {
        return Set.of("input", "output", "table");
    }

    @Override
    public Set<String> flagOptions() {
        return Set.of("overwrite");
    }

    @Override
    public int run(Args args, Context context) throws Exception {
        DatasetTables.Table table;
        try {
            table = DatasetTables.Table.of(args.get("table", DatasetTables.Table.IMAGES.label()));
        } catch (IllegalArgumentException e) {
            throw new UsageException("--" + e.getMessage());
        }
        String output = args.required("output");
        // refused before Spark starts
        DatasetTables.Format.ofFile(output);
        long rows = new DatasetTables(context.spark()).write(args.required("input"), table, output,
                args.flag("overwrite"));
        context.out().printf("wrote %d %s rows to %s%n", rows, table.label(), output);
        return Main.OK;
    }
}
