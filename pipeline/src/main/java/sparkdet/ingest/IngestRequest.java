package sparkdet.ingest;

import com.typesafe.config.Config;
import sparkdet.image.PixelLimit;
import sparkdet.model.Task;

/**
 * What to ingest and where to: the command-line options with the ingest settings of the
 * configuration ({@code sparkdet.ingest}, and {@value PixelLimit#SETTING}).
 *
 * @param images the image root (null: VOC's JPEGImages/, or the folder of the COCO or lines file)
 * @param split the split name (VOC: selects ImageSets/Main/SPLIT.txt), or null
 * @param classesFile a classes file (one name a line) fixing the class order, or null
 * @param checkImages "auto", "true" or "false"
 * @param pixelLimit an image with more pixels (by its annotation or its header) is quarantined
 * @param task detect (boxes) or segment (a class mask per image: voc-seg, or COCO's polygons
 *     and RLE painted into masks)
 * @param binaryMask segmentation masks of 0 and 255 hold one class: 255 is class 1, not "ignore"
 */
public record IngestRequest(IngestFormat format, String input, String images, String split,
                            String classesFile, String output, boolean overwrite, String encoding,
                            String checkImages, double clipTolerance, int imagesPerPartition,
                            long maxFileBytes, long cocoBytesPerTask, PixelLimit pixelLimit, Task task,
                            boolean binaryMask) {

    public IngestRequest {
        if (task == Task.SEGMENT && (format == IngestFormat.VOC || format == IngestFormat.LINES)) {
            throw new IllegalArgumentException("--task segment reads --format voc-seg or coco, not "
                    + format.label() + " (boxes only)");
        }
        if (format == IngestFormat.VOC_SEG && task != Task.SEGMENT) {
            throw new IllegalArgumentException("--format voc-seg holds masks: its task is segment, not " + task.label());
        }
        if (binaryMask && format != IngestFormat.VOC_SEG) {
            throw new IllegalArgumentException("--binary-mask is for the mask files of --format voc-seg");
        }
    }

    /** the task follows the format (voc-seg: segment; others: detect) until {@link #withTask} */
    public static IngestRequest of(IngestFormat format, String input, String images, String split,
                                   String classesFile, String output, boolean overwrite, Config conf) {
        Config c = conf.getConfig("sparkdet.ingest");
        return new IngestRequest(format, input, images, split, classesFile, output, overwrite,
                c.getString("encoding"), c.getString("check-images"), c.getDouble("clip-tolerance"),
                c.getInt("images-per-partition"), c.getBytes("max-file-bytes"), c.getBytes("coco-bytes-per-task"),
                PixelLimit.of(conf), format == IngestFormat.VOC_SEG ? Task.SEGMENT : Task.DETECT, false);
    }

    public IngestRequest withEncoding(String newEncoding) {
        return new IngestRequest(format, input, images, split, classesFile, output, overwrite, newEncoding,
                checkImages, clipTolerance, imagesPerPartition, maxFileBytes, cocoBytesPerTask, pixelLimit, task,
                binaryMask);
    }

    public IngestRequest withCheckImages(String newCheckImages) {
        return new IngestRequest(format, input, images, split, classesFile, output, overwrite, encoding,
                newCheckImages, clipTolerance, imagesPerPartition, maxFileBytes, cocoBytesPerTask, pixelLimit, task,
                binaryMask);
    }

    public IngestRequest withTask(Task newTask) {
        return new IngestRequest(format, input, images, split, classesFile, output, overwrite, encoding,
                checkImages, clipTolerance, imagesPerPartition, maxFileBytes, cocoBytesPerTask, pixelLimit, newTask,
                binaryMask);
    }

    public IngestRequest withBinaryMask(boolean newBinaryMask) {
        return new IngestRequest(format, input, images, split, classesFile, output, overwrite, encoding,
                checkImages, clipTolerance, imagesPerPartition, maxFileBytes, cocoBytesPerTask, pixelLimit, task,
                newBinaryMask);
    }

    /** whether images are checked, given whether the image folder is known */
    boolean checkImages(boolean imageFolderKnown) {
        return switch (checkImages) {
            case "true" -> true;
            case "false" -> false;
            case "auto" -> imageFolderKnown;
            default -> throw new IllegalArgumentException(
                    "sparkdet.ingest.check-images must be auto, true or false, not '" + checkImages + "'");
        };
    }
}
