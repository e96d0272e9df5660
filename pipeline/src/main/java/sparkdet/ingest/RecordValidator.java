package sparkdet.ingest;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import sparkdet.data.BoxObject;
import sparkdet.data.ClassList;
import sparkdet.data.DatasetWarning;
import sparkdet.data.ImageRecord;
import sparkdet.data.QuarantineReason;
import sparkdet.data.Quarantined;
import sparkdet.image.ImageHeader;
import sparkdet.image.ImageTooLargeException;
import sparkdet.image.PixelLimit;
import sparkdet.io.HadoopConf;

/**
 * The checks every record goes through, whatever its format; runs on the executors, where the
 * images are reachable. A record problem (image missing, size unknown) rejects the image; an
 * object problem (unknown label, broken box) rejects that object only, and both are quarantined.
 *
 * <p>Boxes: corners may lie outside the image by at most {@code clipTolerance} of the image's
 * width (x) or height (y); such boxes are clipped to the image and counted. A box further out,
 * or one that is empty after clipping, is quarantined.
 *
 * <p>An image with more pixels than the {@link PixelLimit} (by its annotation's size, or its
 * header's when the annotation gives none) is quarantined: training would refuse to decode it.
 *
 * <p>In a segmentation dataset the row's mask is checked last, once the picture's size is known
 * ({@link MaskChecks}): a mask problem rejects the image.
 */
public final class RecordValidator implements Serializable {
    private static final long serialVersionUID = 1L;

    private final ClassList classes;
    private final double clipTolerance;
    private final boolean checkImages;
    private final PixelLimit pixelLimit;
    private final HadoopConf hadoop;
    private final MaskChecks masks;

    /** @param masks the checks of a segmentation row's mask, or null for a detection dataset */
    RecordValidator(ClassList classes, double clipTolerance, boolean checkImages, PixelLimit pixelLimit,
                    HadoopConf hadoop, MaskChecks masks) {
        this.classes = classes;
        this.clipTolerance = clipTolerance;
        this.checkImages = checkImages;
        this.pixelLimit = pixelLimit;
        this.hadoop = hadoop;
        this.masks = masks;
    }

    /**
     * a validated item, the number of boxes clipped in it and the warnings about its kept row (a
     * class, not a record: Spark's Kryo cannot write records, and these are cached and spilled)
     */
    public static final class Validated implements Serializable {
        private static final long serialVersionUID = 1L;
        private final IngestItem item;
        private final int clipped;
        private final List<DatasetWarning> warnings;

        public Validated(IngestItem item, int clipped) {
            this(item, clipped, List.of());
        }

        public Validated(IngestItem item, int clipped, List<DatasetWarning> warnings) {
            this.item = item;
            this.clipped = clipped;
            this.warnings = new ArrayList<>(warnings);
        }

        public List<DatasetWarning> warnings() {
            return warnings;
        }

        public IngestItem item() {
            return item;
        }

        public int clipped() {
            return clipped;
        }
    }

    public Validated validate(IngestItem in) throws IOException {
        if (in.record == null) {
            return new Validated(in, 0);
        }
        List<Quarantined> problems = new ArrayList<>(in.quarantined);
        ImageRecord r = in.record;
        boolean annotatedSize = r.width > 0 && r.height > 0;
        if (checkImages) {
            Quarantined imageProblem = null;
            try {
                r = checkImage(r);
            } catch (FileNotFoundException e) {
                imageProblem = new Quarantined(r.source, QuarantineReason.IMAGE_MISSING,
                        "no image file at " + r.uri);
            } catch (IOException e) {
                imageProblem = new Quarantined(r.source, QuarantineReason.IMAGE_UNREADABLE,
                        r.uri + ": " + e.getMessage());
            }
            if (imageProblem != null) {
                problems.add(imageProblem);
                return new Validated(new IngestItem(null, problems), 0);
            }
        } else if (r.width <= 0 || r.height <= 0) {
            problems.add(new Quarantined(r.source, QuarantineReason.IMAGE_SIZE_UNKNOWN,
                    "the annotation gives no image size and images are not read (no image folder)"));
            return new Validated(new IngestItem(null, problems), 0);
        }
        try {
            pixelLimit.check(r.uri, annotatedSize ? "its annotation gives" : "its header declares", r.width, r.height);
        } catch (ImageTooLargeException e) {
            problems.add(new Quarantined(r.source, QuarantineReason.IMAGE_TOO_LARGE, e.getMessage()));
            return new Validated(new IngestItem(null, problems), 0);
        }
        List<BoxObject> kept = new ArrayList<>(r.objects.size());
        int clipped = 0;
        for (int i = 0; i < r.objects.size(); i++) {
            BoxObject o = r.objects.get(i);
            String where = r.source + "#object" + (i + 1);
            int index = classes.indexOf(o.label);
            if (index < 0) {
                problems.add(new Quarantined(where, QuarantineReason.UNKNOWN_LABEL,
                        "label '" + o.label + "' is not in the classes file"));
                continue;
            }
            BoxObject named = index == o.classIndex ? o : o.withClass(index, o.label);
            BoxObject checked = checkBox(named, r, where, problems);
            if (checked != null) {
                // checkBox hands back the same object unless it clipped it
                if (checked != named) {
                    clipped++;
                }
                kept.add(checked);
            }
        }
        ImageRecord checked = r.withObjects(kept);
        if (masks == null) {
            return new Validated(new IngestItem(checked, problems), clipped);
        }
        MaskChecks.Outcome mask = masks.attach(checked, classes);
        if (mask.rejected() != null) {
            problems.add(mask.rejected());
            return new Validated(new IngestItem(null, problems), 0);
        }
        return new Validated(new IngestItem(mask.record(), problems), clipped, mask.warnings());
    }

    /** existence, and the size from the header when the annotation has none */
    private ImageRecord checkImage(ImageRecord r) throws IOException {
        Path p = new Path(r.uri);
        FileSystem fs = p.getFileSystem(hadoop.get());
        if (!fs.getFileStatus(p).isFile()) {
            throw new FileNotFoundException(r.uri + " is a folder");
        }
        if (r.width > 0 && r.height > 0) {
            return r;
        }
        try (InputStream in = fs.open(p)) {
            ImageHeader.Size size = ImageHeader.read(in);
            return r.withSize(size.width(), size.height());
        } catch (java.io.EOFException e) {
            throw new IOException("the file ends before its image header does");
        }
    }

    private BoxObject checkBox(BoxObject o, ImageRecord r, String where, List<Quarantined> problems) {
        String what = "label '" + o.label + "' box (" + o.xmin + ", " + o.ymin + ", " + o.xmax + ", " + o.ymax + ")";
        if (!(Double.isFinite(o.xmin) && Double.isFinite(o.ymin) && Double.isFinite(o.xmax) && Double.isFinite(o.ymax))) {
            problems.add(new Quarantined(where, QuarantineReason.INVALID_BOX, what + " has a coordinate that is not a number"));
            return null;
        }
        if (o.xmax <= o.xmin || o.ymax <= o.ymin) {
            problems.add(new Quarantined(where, QuarantineReason.DEGENERATE_BOX, what + " has no area"));
            return null;
        }
        double tx = clipTolerance * r.width;
        double ty = clipTolerance * r.height;
        if (o.xmin < -tx || o.ymin < -ty || o.xmax > r.width + tx || o.ymax > r.height + ty) {
            problems.add(new Quarantined(where, QuarantineReason.BOX_OUTSIDE_IMAGE, what
                    + " lies outside the " + r.width + "x" + r.height + " image by more than the clip tolerance"));
            return null;
        }
        double x0 = Math.max(o.xmin, 0);
        double y0 = Math.max(o.ymin, 0);
        double x1 = Math.min(o.xmax, r.width);
        double y1 = Math.min(o.ymax, r.height);
        if (x1 <= x0 || y1 <= y0) {
            problems.add(new Quarantined(where, QuarantineReason.DEGENERATE_BOX, what + " has no area inside the image"));
            return null;
        }
        if (x0 == o.xmin && y0 == o.ymin && x1 == o.xmax && y1 == o.ymax) {
            return o;
        }
        return o.withCorners(x0, y0, x1, y1);
    }
}
