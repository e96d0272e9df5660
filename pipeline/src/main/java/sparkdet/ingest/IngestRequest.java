package sparkdet.ingest;

import com.typesafe.config.Config;
import sparkdet.image.PixelLimit;

/**
 * What to ingest and where to: the command-line options with the ingest settings of the
 * configuration ({@code sparkdet.ingest}, and {@value PixelLimit#SETTING}).
 *
 * @param images the image root (null: VOC's JPEGImages/, or the folder of the COCO or lines file)
 * @param split the split name (VOC: selects ImageSets/Main/SPLIT.txt), or null
 * @param classesFile a classes file (one name a line) fixing the class order, or null
 * @param checkImages "auto", "true" or "false"
 * @param pixelLimit an image with more pixels (by its annotation or its header) is quarantined
 */
public record IngestRequest(IngestFormat format, String input, String images, String split,
                            String classesFile, String output, boolean overwrite, String encoding,
                            String checkImages, double clipTolerance, int imagesPerPartition,
                            long maxFileBytes, long cocoBytesPerTask, PixelLimit pixelLimit) {

    public static IngestRequest of(IngestFormat format, String input, String images, String split,
                                   String classesFile, String output, boolean overwrite, Config conf) {
        Config c = conf.getConfig("sparkdet.ingest");
        return new IngestRequest(format, input, images, split, classesFile, output, overwrite,
                c.getString("encoding"), c.getString("check-images"), c.getDouble("clip-tolerance"),
                c.getInt("images-per-partition"), c.getBytes("max-file-bytes"), c.getBytes("coco-bytes-per-task"),
                PixelLimit.of(conf));
    }

    public IngestRequest withEncoding(String newEncoding) {
        return new IngestRequest(format, input, images, split, classesFile, output, overwrite, newEncoding,
                checkImages, clipTolerance, imagesPerPartition, maxFileBytes, cocoBytesPerTask, pixelLimit);
    }

    public IngestRequest withCheckImages(String newCheckImages) {
        return new IngestRequest(format, input, images, split, classesFile, output, overwrite, encoding,
                newCheckImages, clipTolerance, imagesPerPartition, maxFileBytes, cocoBytesPerTask, pixelLimit);
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
