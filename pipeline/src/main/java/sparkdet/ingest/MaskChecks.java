package sparkdet.ingest;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import sparkdet.data.ClassList;
import sparkdet.data.DatasetWarning;
import sparkdet.data.ImageRecord;
import sparkdet.data.QuarantineReason;
import sparkdet.data.Quarantined;
import sparkdet.image.ImageTooLargeException;
import sparkdet.image.LabelMap;
import sparkdet.image.LabelPng;
import sparkdet.image.PixelLimit;
import sparkdet.io.HadoopConf;
import sparkdet.io.Storage;

/**
 * A segmentation row's mask, found, checked and counted on the executors, after its picture's
 * checks (its size is known then). The mask is either the PNG file the row's {@code source}
 * names (voc-seg), pointed at as it is, or painted from the row's objects (COCO's polygons and
 * RLE) and written under the dataset's masks/ folder; a voc-seg mask that {@code --binary-mask}
 * changes is written there too, the source being left alone.
 *
 * <p>A mask is rejected when it cannot serve as one: missing, unreadable, too large to decode,
 * colours instead of class indices, another size than its picture, or only 0 and 255 in a
 * two-class dataset (255 is "ignore", so the object would never be learned). A mask that is
 * usable but teaches little is kept with a warning: only background, values beyond the classes
 * (ignored as 255 is), or only 0 and 255 with more than two classes (VOC marks whole ambiguous
 * objects 255, so this can be genuine there).
 */
final class MaskChecks implements Serializable {
    private static final long serialVersionUID = 1L;
    /** how many bytes of a PNG hold its signature and header */
    private static final int HEADER_BYTES = 33;
    /** beyond its pixel rows, a mask file holds at most this much (palette, text, deflate overhead) */
    private static final long FILE_SLACK_BYTES = 1 << 20;

    /** where a row's mask comes from */
    enum Origin {
        /** the PNG file the row's source names */
        FILE,
        /** the row's objects' segmentations, painted */
        OBJECTS
    }

    private final Origin origin;
    private final boolean binaryMask;
    private final String stagingDir;
    private final String finalDir;
    private final PixelLimit pixelLimit;
    private final HadoopConf hadoop;

    /**
     * @param stagingDir the folder masks made here are written to (the staged dataset's masks/)
     * @param finalDir where that folder will be once the dataset is in place: what rows point at
     */
    MaskChecks(Origin origin, boolean binaryMask, Path stagingDir, Path finalDir, PixelLimit pixelLimit,
               HadoopConf hadoop) {
        this.origin = origin;
        this.binaryMask = binaryMask;
        this.stagingDir = stagingDir.toString();
        this.finalDir = finalDir.toString();
        this.pixelLimit = pixelLimit;
        this.hadoop = hadoop;
    }

    /** the row with its mask, or why it is rejected; and what is odd about a kept one */
    record Outcome(ImageRecord record, Quarantined rejected, List<DatasetWarning> warnings) {
        static Outcome rejected(ImageRecord r, QuarantineReason reason, String detail) {
            return new Outcome(null, new Quarantined(r.source, reason, detail), List.of());
        }
    }

    /**
     * @param r a row whose picture was checked: its size is the picture's
     * @param classes the dataset's classes, background first
     */
    Outcome attach(ImageRecord r, ClassList classes) throws IOException {
        Storage storage = new Storage(hadoop.get());
        if (origin == Origin.OBJECTS) {
            LabelMap painted;
            try {
                painted = CocoMasks.paint(r);
            } catch (CocoMasks.BadSegmentationException e) {
                return Outcome.rejected(r, QuarantineReason.MALFORMED_ANNOTATION, e.getMessage()
                        + "; --task segment paints every object, so the image is left out rather than taught"
                        + " background where the object is");
            }
            return counted(r, painted, painted.histogram(), classes, true, storage);
        }
        Path file = new Path(r.source);
        LabelMap read;
        try {
            read = read(storage, file, r);
        } catch (Rejection e) {
            return Outcome.rejected(r, e.reason, e.getMessage());
        }
        long[] counts = read.histogram();
        boolean mapped = false;
        if (binaryMask && counts[ImageRecord.MASK_IGNORE] > 0) {
            mapIgnoreToOne(read);
            counts[1] += counts[ImageRecord.MASK_IGNORE];
            counts[ImageRecord.MASK_IGNORE] = 0;
            mapped = true;
        } else if (!binaryMask && onlyZeroAnd255(counts) && classes.size() == 2) {
            return Outcome.rejected(r, QuarantineReason.MASK_ONLY_0_255, file + " holds only 0 and 255: 255 means"
                    + " 'ignore', so with the classes " + classes.names() + " its object would never be learned"
                    + " (the all-background result). If 255 marks the object, --binary-mask reads 255 as class 1;"
                    + " or write the mask with 1 for the object");
        }
        return counted(r, read, counts, classes, mapped, storage);
    }

    /**
     * a row's mask after the checks of its own: warnings, and the file written if made here
     *
     * @param counts the mask's histogram
     */
    private Outcome counted(ImageRecord r, LabelMap mask, long[] counts, ClassList classes, boolean madeHere,
                            Storage storage) throws IOException {
        List<DatasetWarning> warnings = new ArrayList<>(2);
        if (counts[0] == mask.pixels().length) {
            warnings.add(DatasetWarning.MASK_BACKGROUND_ONLY);
        } else if (origin == Origin.FILE && onlyZeroAnd255(counts)) {
            warnings.add(DatasetWarning.MASK_ONLY_0_255);
        }
        for (int v = classes.size(); v < ImageRecord.MASK_IGNORE; v++) {
            if (counts[v] > 0) {
                warnings.add(DatasetWarning.MASK_CLASS_OUT_OF_RANGE);
                break;
            }
        }
        String uri = r.source;
        if (madeHere) {
            String name = r.imageId + ".png";
            Path staged = ImagePaths.under(new Path(stagingDir), name).orElseThrow(() -> new IllegalStateException(
                    "image id '" + r.imageId + "' cannot name a mask file"));
            storage.writeBytes(staged, LabelPng.encodeGrey(mask));
            uri = ImagePaths.under(new Path(finalDir), name).orElseThrow().toString();
        }
        return new Outcome(r.withMask(uri, counts), null, warnings);
    }

    /** a check that rejects the mask: its reason and detail */
    private static final class Rejection extends Exception {
        private static final long serialVersionUID = 1L;
        final QuarantineReason reason;

        Rejection(QuarantineReason reason, String detail) {
            super(detail);
            this.reason = reason;
        }
    }

    /** the mask's header checks before its pixels are read, then its class indices */
    private LabelMap read(Storage storage, Path file, ImageRecord r) throws IOException, Rejection {
        FileStatus status;
        try {
            status = storage.fs(file).getFileStatus(file);
        } catch (FileNotFoundException e) {
            throw new Rejection(QuarantineReason.MASK_MISSING, "no mask file at " + file + " for " + r.uri);
        }
        if (!status.isFile()) {
            throw new Rejection(QuarantineReason.MASK_MISSING, file + " is a folder, not a mask file");
        }
        LabelPng.Header header;
        try (InputStream in = storage.open(file)) {
            header = LabelPng.header(in.readNBytes(HEADER_BYTES));
        } catch (IOException e) {
            throw new Rejection(QuarantineReason.MASK_UNREADABLE, file + ": " + e.getMessage());
        }
        try {
            pixelLimit.check(file.toString(), "mask refused undecoded: its header declares", header.width(),
                    header.height());
        } catch (ImageTooLargeException e) {
            throw new Rejection(QuarantineReason.MASK_TOO_LARGE, e.getMessage());
        }
        if (header.channels() != 1) {
            throw new Rejection(QuarantineReason.MASK_NOT_SINGLE_CHANNEL, file + " is a " + header.describe()
                    + " PNG: colours, not class indices. Convert each colour to its class index and save one value"
                    + " a pixel (a grey or palette PNG: 0 background, 1, 2, ... the classes in classes.txt order,"
                    + " 255 ignore)");
        }
        if (header.width() != r.width || header.height() != r.height) {
            throw new Rejection(QuarantineReason.MASK_SIZE_MISMATCH, file + " is " + header.width() + "x"
                    + header.height() + " but its picture " + r.uri + " is " + r.width + "x" + r.height);
        }
        long rowsBytes = ((long) header.width() * header.bitDepth() + 15) / 8 * header.height();
        if (status.getLen() > rowsBytes + FILE_SLACK_BYTES) {
            throw new Rejection(QuarantineReason.MASK_UNREADABLE, file + " is " + status.getLen()
                    + " bytes, more than a " + header.width() + "x" + header.height() + " mask's pixels can take");
        }
        try {
            return LabelPng.decode(storage.readBytes(file, rowsBytes + FILE_SLACK_BYTES), file.toString(),
                    pixelLimit);
        } catch (IOException e) {
            throw new Rejection(QuarantineReason.MASK_UNREADABLE, e.getMessage());
        }
    }

    /** whether the mask has 255s and nothing but 0 besides */
    private static boolean onlyZeroAnd255(long[] counts) {
        for (int v = 1; v < ImageRecord.MASK_IGNORE; v++) {
            if (counts[v] > 0) {
                return false;
            }
        }
        return counts[ImageRecord.MASK_IGNORE] > 0;
    }

    /** --binary-mask: 255 is the object, class 1 */
    private static void mapIgnoreToOne(LabelMap mask) {
        byte[] p = mask.pixels();
        for (int i = 0; i < p.length; i++) {
            if (p[i] == (byte) ImageRecord.MASK_IGNORE) {
                p[i] = 1;
            }
        }
    }
}
