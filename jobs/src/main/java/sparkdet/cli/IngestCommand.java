package sparkdet.cli;

import java.util.Map;
import java.util.Set;
import sparkdet.data.DatasetStats;
import sparkdet.ingest.IngestFormat;
import sparkdet.ingest.IngestJob;
import sparkdet.ingest.IngestRequest;
import sparkdet.ingest.IngestSummary;

/** {@code sparkdet ingest}: VOC, VOC segmentation, COCO or annotation lines into a dataset. */
final class IngestCommand implements Command {
    @Override
    public String name() {
        return "ingest";
    }

    @Override
    public String summary() {
        return "VOC, VOC segmentation, COCO or annotation lines into a validated Parquet dataset";
    }

    @Override
    public String help() {
        return """
            usage: sparkdet ingest --format voc|voc-seg|coco|lines --input PATH --output URI
                                   [--images DIR] [--split NAME] [--classes FILE] [--task detect|segment]
                                   [--binary-mask] [--encoding auto|NAME] [--check-images auto|true|false]
                                   [--overwrite]

              --format     voc: a VOC root (Annotations/, JPEGImages/, ImageSets/Main/) or an Annotations folder
                           voc-seg: a VOC segmentation root (JPEGImages/, SegmentationClass/*.png or
                             labelme's SegmentationClassPNG/, ImageSets/Segmentation/): masks, pointed at
                           coco: an instances JSON (read as a stream)
                           lines: the YOLO repositories' "path x1,y1,x2,y2,class ..." file (needs --classes)
              --input      the annotations (any Hadoop URI or local path)
              --output     the dataset folder to write (must not exist, unless --overwrite)
              --images     the image root (default: VOC's JPEGImages/, else the input file's folder)
              --split      VOC: read ImageSets/Main/NAME.txt; voc-seg: ImageSets/Segmentation/NAME.txt
                           (without it, every mask is taken); others: the split name stored in the rows
              --classes    a classes file (one name a line) fixing the class order; labels not in it are
                           quarantined (default: sorted labels; COCO: category id order). Segmentation:
                           background first, line i is mask value i (voc-seg default: class_names.txt
                           or labels.txt in the root, labelme's __ignore__ left out)
              --task       detect (default; voc-seg: segment) or segment: with coco, paint each image's
                           polygons and RLE into a class mask under URI/masks/ as pycocotools draws them
                           (class = category position in id order + 1, 0 background unless the first
                           category is named background, crowds 255)
              --binary-mask  voc-seg: masks of 0 and 255 mark one class with 255: read 255 as class 1,
                           not "ignore" (the changed masks are written under URI/masks/); without a
                           classes file the classes are background and foreground
              --encoding   of lines and classes files (default auto: UTF-8, else GB18030/GBK, else ISO-8859-1)
              --check-images  check each image exists and read sizes from image headers (default auto:
                           when the image folder is known; always for lines and voc-seg)

            writes URI/data/ (Parquet, one row per image), classes.txt, stats.json, stats.png,
            quarantine.jsonl (rejected records: source, reason, detail) and _SUCCESS, all at once.
            Segmentation datasets: rows carry mask_uri and mask_pixels; stats.json pixels per class
            and warnings (docs/ingest.md says what to do about each).
            Exit codes: 0 done (records may have been quarantined), 2 usage, 3 input unusable.
            """;
    }

    @Override
    public Set<String> valuedOptions() {
        return Set.of("format", "input", "output", "images", "split", "classes", "encoding", "check-images", "task");
    }

    @Override
    public Set<String> flagOptions() {
        return Set.of("overwrite", "binary-mask");
    }

    @Override
    public int run(Args args, Context context) throws Exception {
        IngestRequest req = IngestRequest.of(IngestFormat.parse(args.required("format")), args.required("input"),
                args.get("images"), args.get("split"), args.get("classes"), args.required("output"),
                args.flag("overwrite"), context.config());
        req = req.withTask(args.task(req.task())).withBinaryMask(args.flag("binary-mask"));
        if (args.get("encoding") != null) {
            req = req.withEncoding(args.get("encoding"));
        }
        if (args.get("check-images") != null) {
            req = req.withCheckImages(args.get("check-images"));
        }
        IngestSummary s = new IngestJob(context.spark()).run(req);
        print(context, s);
        return Main.OK;
    }

    static void print(Context context, IngestSummary s) {
        DatasetStats st = s.stats();
        context.out().printf("dataset     %s%n", s.output());
        context.out().printf("images      %d%n", st.images());
        context.out().printf("objects     %d (difficult %d, crowd %d, clipped %d)%n", st.objects(), st.difficult(),
                st.crowd(), st.clipped());
        context.out().printf("classes     %d%n", s.classes().size());
        context.out().printf("quarantined %d %s%n", st.quarantined(), st.quarantineReasons());
        if (st.segmentation()) {
            context.out().printf("pixels      %s (ignored %d)%n", st.pixelsPerClass(s.classes()),
                    st.ignoredPixels(s.classes()));
            context.out().printf("warnings    %s%n", st.warnings());
        }
        Map<String, Double> t = s.timings();
        context.out().printf("seconds     %.2f (read %.2f, validate+write %.2f, stats+commit %.2f)%n",
                t.get("total"), t.get("read"), t.get("validate_write"), t.get("stats_commit"));
    }
}
