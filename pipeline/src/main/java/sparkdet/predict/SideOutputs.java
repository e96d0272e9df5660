package sparkdet.predict;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.fs.Path;
import sparkdet.image.RgbImage;
import sparkdet.io.Storage;
import sparkdet.postprocess.Detection;
import sparkdet.viz.DetectionPainter;

/**
 * What one task writes besides its Parquet rows, straight from the executor: {@code txt/<name>.txt}
 * per image (get_map.py's {@code <class> <score> <xmin> <ymin> <xmax> <ymax>}), the drawn picture
 * {@code images/<name>.jpg} when asked ({@link OutputNames}: usually the image's stem), and its
 * share of the COCO results, a comma-separated run of objects in {@code _parts/}, which the driver
 * splices into detections.json. A retried task rewrites the same files.
 */
final class SideOutputs implements AutoCloseable {
    static final String TXT = "txt";
    static final String IMAGES = "images";
    static final String PARTS = "_parts";

    private final Storage storage;
    private final Path dir;
    private final List<String> classes;
    private final boolean draw;
    private final OutputStream jsonOut;
    private final JsonGenerator json;
    private boolean first = true;

    SideOutputs(Storage storage, Path dir, List<String> classes, boolean draw, int partition) throws IOException {
        this.storage = storage;
        this.dir = dir;
        this.classes = classes;
        this.draw = draw;
        this.jsonOut = storage.create(new Path(new Path(dir, PARTS), String.format(Locale.ROOT, "part-%05d.json",
                partition)));
        this.json = new JsonFactory().createGenerator(jsonOut, JsonEncoding.UTF8);
    }

    void write(ImageRef ref, RgbImage image, List<Detection> detections) throws IOException {
        StringBuilder txt = new StringBuilder();
        for (Detection d : detections) {
            // a class name may hold spaces: evaluate reads the five numbers from the end of the line
            txt.append(classes.get(d.classIndex())).append(' ')
                    .append(String.format(Locale.ROOT, "%.6f %.2f %.2f %.2f %.2f%n", d.score(), d.x1(), d.y1(), d.x2(),
                            d.y2()));
            if (!first) {
                json.writeRaw(",\n");
            }
            first = false;
            json.writeStartObject();
            json.writeNumberField("image_id", ref.cocoImageId());
            json.writeNumberField("category_id", d.classIndex() + 1);
            json.writeStringField("category_name", classes.get(d.classIndex()));
            json.writeArrayFieldStart("bbox");
            json.writeNumber(round(d.x1()));
            json.writeNumber(round(d.y1()));
            json.writeNumber(round(d.x2() - d.x1()));
            json.writeNumber(round(d.y2() - d.y1()));
            json.writeEndArray();
            json.writeNumberField("score", round(d.score()));
            json.writeStringField("file_name", ref.fileName());
            json.writeEndObject();
        }
        storage.writeBytes(new Path(new Path(dir, TXT), ref.outputName() + ".txt"),
                txt.toString().getBytes(StandardCharsets.UTF_8));
        if (draw) {
            storage.writeBytes(new Path(new Path(dir, IMAGES), ref.outputName() + ".jpg"),
                    DetectionPainter.jpeg(image, detections, classes));
        }
    }

    /** 5 decimals: sub-pixel for boxes, 1e-5 for scores, and a file a third the size of full floats */
    private static double round(double v) {
        return Math.round(v * 1e5) / 1e5;
    }

    @Override
    public void close() throws IOException {
        json.close();
        jsonOut.close();
    }
}
