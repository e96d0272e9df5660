package sparkdet.data;

/** The files of a dataset folder written by ingest (DESIGN.md section 4). */
public final class DatasetLayout {
    /** Parquet rows, {@link DatasetSchema#IMAGE} */
    public static final String DATA = "data";
    public static final String CLASSES = "classes.txt";
    public static final String STATS = "stats.json";
    public static final String STATS_PLOT = "stats.png";
    public static final String QUARANTINE = "quarantine.jsonl";
    /** the masks ingest made (COCO painted, voc-seg remapped by --binary-mask), one grey PNG an image id */
    public static final String MASKS = "masks";

    private DatasetLayout() {
    }
}
