package sparkdet.eval;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import sparkdet.data.ClassList;

/**
 * The per-image detection files of the YOLO repositories' get_map.py, one line a detection:
 * {@code <class name> <score> <xmin> <ymin> <xmax> <ymax>}. The last five fields are numbers and
 * everything before them is the class name, so {@code potted plant 0.9 1 2 3 4} works. A file
 * names its image by its stem.
 */
public final class DetectionTxtReader {
    private final ClassKeys classes;
    private final Map<String, Integer> imageByStem;
    private final BoxTable table = new BoxTable();
    private long unknownClass;
    private long unknownImage;

    /**
     * @param imageByStem image index by file stem (the txt file's stem names its image)
     */
    public DetectionTxtReader(ClassList classes, Map<String, Integer> imageByStem) {
        this.classes = ClassKeys.byName(classes);
        this.imageByStem = imageByStem;
    }

    /**
     * @param fileName the txt file's name (its stem names the image)
     * @throws IOException naming the file and line of a line that is not a detection
     */
    public void read(String fileName, String text, String source) throws IOException {
        parse(fileName, text, source, 0, classes, d -> {
            Integer image = imageByStem.get((String) ImageKey.STEM.of(d));
            if (image == null) {
                unknownImage++;
            } else if (d.classIndex < 0) {
                unknownClass++;
            } else {
                d.addTo(table, image);
            }
        });
    }

    /**
     * the detections of one file, in its line order
     *
     * @param fileNumber the file's place in the folder's sorted listing: a detection's sequence
     *     number is (fileNumber, line), the order the files are read in
     */
    static List<RawDetection> parse(String fileName, String text, String source, int fileNumber, ClassKeys classes)
            throws IOException {
        List<RawDetection> out = new ArrayList<>();
        parse(fileName, text, source, fileNumber, classes, out::add);
        return out;
    }

    private static void parse(String fileName, String text, String source, int fileNumber, ClassKeys classes,
                              Consumer<RawDetection> sink) throws IOException {
        String[] lines = text.split("\r?\n|\r");
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty()) {
                continue;
            }
            String[] f = line.split("\\s+");
            if (f.length < 6) {
                throw new IOException(source + ":" + (i + 1) + ": expected '<class> <score> <xmin> <ymin> <xmax> <ymax>'");
            }
            double[] v = new double[5];
            for (int k = 0; k < 5; k++) {
                try {
                    v[k] = Double.parseDouble(f[f.length - 5 + k]);
                } catch (NumberFormatException e) {
                    throw new IOException(source + ":" + (i + 1) + ": '" + f[f.length - 5 + k] + "' is not a number");
                }
                if (!Double.isFinite(v[k])) {
                    throw new IOException(source + ":" + (i + 1) + ": " + f[f.length - 5 + k] + " is not a finite number");
                }
            }
            String name = String.join(" ", java.util.Arrays.copyOf(f, f.length - 5));
            sink.accept(new RawDetection(((long) fileNumber << 32) | i, RawDetection.NO_IMAGE_ID, fileName,
                    classes.of(name, ClassKeys.NO_CATEGORY_ID), true, v[1], v[2], v[3], v[4], v[0], null));
        }
    }

    public BoxTable detections() {
        return table;
    }

    /** detections left out because their class is not in the class list */
    public long unknownClass() {
        return unknownClass;
    }

    /** detections left out because no ground-truth image has their file's stem */
    public long unknownImage() {
        return unknownImage;
    }
}
