package sparkdet.eval;

import java.io.IOException;
import java.util.Map;
import sparkdet.data.ClassList;

/**
 * The per-image detection files of the YOLO repositories' get_map.py, one line a detection:
 * {@code <class name> <score> <xmin> <ymin> <xmax> <ymax>}. The last five fields are numbers and
 * everything before them is the class name, so {@code potted plant 0.9 1 2 3 4} works.
 */
public final class DetectionTxtReader {
    private final ClassList classes;
    private final Map<String, Integer> imageByStem;
    private final BoxTable table = new BoxTable();
    private final java.util.stream.LongStream.Builder sequence = java.util.stream.LongStream.builder();
    private long unknownClass;
    private long unknownImage;

    /**
     * @param imageByStem image index by file stem (the txt file's stem names its image)
     */
    public DetectionTxtReader(ClassList classes, Map<String, Integer> imageByStem) {
        this.classes = classes;
        this.imageByStem = imageByStem;
    }

    /**
     * @throws IOException naming the file and line of a line that is not a detection
     */
    public void read(String stem, String text, String source) throws IOException {
        read(stem, text, source, 0);
    }

    /**
     * @param fileNumber the file's place in the folder's sorted listing: a detection's sequence
     *     number is (fileNumber, line), the order the files are read in
     */
    void read(String stem, String text, String source, int fileNumber) throws IOException {
        Integer image = imageByStem.get(stem);
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
            int cls = classes.indexOf(name);
            if (image == null) {
                unknownImage++;
            } else if (cls < 0) {
                unknownClass++;
            } else {
                table.addCorners(image, cls, v[1], v[2], v[3], v[4], (v[3] - v[1]) * (v[4] - v[2]), v[0], false, false);
                sequence.add(((long) fileNumber << 32) | i);
            }
        }
    }

    public BoxTable detections() {
        return table;
    }

    /** each detection's sequence number (see {@link #read(String, String, String, int)}); call once, at the end */
    long[] sequence() {
        return sequence.build().toArray();
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
