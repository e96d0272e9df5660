package sparkdet.predict;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.fs.Path;
import sparkdet.image.LabelMap;
import sparkdet.image.LabelPng;
import sparkdet.image.RgbImage;
import sparkdet.io.Storage;
import sparkdet.viz.MaskPainter;

/**
 * What one task of a segmentation model writes besides its Parquet rows, straight from the
 * executor: {@code masks/<name>.png} (grey class indices at the picture's size, what evaluate
 * --task segment reads), {@code overlays/<name>.jpg} (the mask drawn over the picture) and its
 * share of counts.json (per image and class: pixels and ratio) in {@code _parts/}, which the
 * driver splices. A retried task rewrites the same files.
 */
final class SegmentOutputs implements AutoCloseable {
    static final String MASKS = "masks";
    static final String OVERLAYS = "overlays";

    private final Storage storage;
    private final Path dir;
    private final List<String> classes;
    private final MaskPainter.Mix mix;
    private final OutputStream jsonOut;
    private final JsonGenerator json;
    private boolean first = true;

    SegmentOutputs(Storage storage, Path dir, List<String> classes, MaskPainter.Mix mix, int partition)
            throws IOException {
        this.storage = storage;
        this.dir = dir;
        this.classes = classes;
        this.mix = mix;
        this.jsonOut = storage.create(new Path(new Path(dir, SideOutputs.PARTS), String.format(Locale.ROOT,
                "part-%05d.json", partition)));
        this.json = new JsonFactory().createGenerator(jsonOut, JsonEncoding.UTF8);
    }

    /** @return the mask's path relative to the output folder */
    String write(ImageRef ref, RgbImage image, LabelMap map, long[] pixels) throws IOException {
        String mask = MASKS + "/" + ref.outputName() + ".png";
        storage.writeBytes(new Path(dir, mask), LabelPng.encodeGrey(map));
        storage.writeBytes(new Path(new Path(dir, OVERLAYS), ref.outputName() + ".jpg"),
                MaskPainter.jpeg(image, map, mix));
        if (!first) {
            json.writeRaw(",\n");
        }
        first = false;
        double total = (double) map.width() * map.height();
        json.writeStartObject();
        json.writeStringField("image_id", ref.imageId());
        json.writeStringField("file_name", ref.fileName());
        json.writeStringField("mask", mask);
        json.writeNumberField("width", map.width());
        json.writeNumberField("height", map.height());
        json.writeObjectFieldStart("classes");
        for (int c = 0; c < classes.size(); c++) {
            if (pixels[c] > 0) {
                json.writeObjectFieldStart(classes.get(c));
                json.writeNumberField("pixels", pixels[c]);
                json.writeNumberField("ratio", Math.round(pixels[c] / total * 1e6) / 1e6);
                json.writeEndObject();
            }
        }
        json.writeEndObject();
        json.writeEndObject();
        return mask;
    }

    @Override
    public void close() throws IOException {
        json.close();
        jsonOut.close();
    }
}
