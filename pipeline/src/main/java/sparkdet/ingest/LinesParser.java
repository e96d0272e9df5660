package sparkdet.ingest;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.hadoop.fs.Path;
import sparkdet.data.BoxObject;
import sparkdet.data.ClassList;
import sparkdet.data.ImageIds;
import sparkdet.data.ImageRecord;
import sparkdet.data.QuarantineReason;
import sparkdet.data.Quarantined;
import sparkdet.io.Storage;

/**
 * The "annotation lines" of the popular YOLO repositories (2007_train.txt):
 * {@code <image path> x1,y1,x2,y2,class x1,y1,x2,y2,class ...}. The boxes are the trailing
 * tokens, so a path with spaces still parses; a relative path is relative to the image root.
 */
public final class LinesParser {
    private static final String NUMBER = "[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?";
    private static final Pattern BOX = Pattern.compile(NUMBER + "(," + NUMBER + "){3},\\d+");
    private static final Pattern BOX_LIKE = Pattern.compile("[-+\\d.eE]*,[-+\\d.eE,]*");

    private final ClassList classes;

    public LinesParser(ClassList classes) {
        this.classes = classes;
    }

    /** one item per non-blank line, in order; a path listed twice is quarantined the second time */
    public List<IngestItem> parse(String text, String source, Path imageRoot, String split) {
        List<IngestItem> items = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        String[] lines = text.split("\r?\n|\r", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty()) {
                continue;
            }
            String where = source + ":" + (i + 1);
            IngestItem item = parseLine(line, where, imageRoot, split);
            if (item.record != null) {
                Integer first = seen.putIfAbsent(item.record.imageId, i + 1);
                if (first != null) {
                    item = IngestItem.rejected(new Quarantined(where, QuarantineReason.DUPLICATE_IMAGE_ID,
                            "image '" + item.record.imageId + "' was already listed on line " + first));
                }
            }
            items.add(item);
        }
        return items;
    }

    private IngestItem parseLine(String line, String where, Path imageRoot, String split) {
        String[] tokens = line.split("\\s+");
        int firstBox = tokens.length;
        while (firstBox > 1 && BOX_LIKE.matcher(tokens[firstBox - 1]).matches()) {
            firstBox--;
        }
        String imagePath = String.join(" ", java.util.Arrays.copyOfRange(tokens, 0, firstBox));
        List<BoxObject> objects = new ArrayList<>();
        List<Quarantined> problems = new ArrayList<>();
        for (int t = firstBox; t < tokens.length; t++) {
            String token = tokens[t];
            if (!BOX.matcher(token).matches()) {
                return IngestItem.rejected(new Quarantined(where, QuarantineReason.MALFORMED_LINE,
                        "'" + token + "' is not x1,y1,x2,y2,class_index"));
            }
            String[] v = token.split(",");
            int cls;
            try {
                cls = Integer.parseInt(v[4]);
            } catch (NumberFormatException e) {
                cls = -1;
            }
            if (cls < 0 || cls >= classes.size()) {
                problems.add(new Quarantined(where + "#box" + (t - firstBox + 1),
                        QuarantineReason.CLASS_INDEX_OUT_OF_RANGE, "class index " + v[4]
                                + " is not in the classes file (" + classes.size() + " classes)"));
                continue;
            }
            double x0 = Double.parseDouble(v[0]);
            double y0 = Double.parseDouble(v[1]);
            double x1 = Double.parseDouble(v[2]);
            double y1 = Double.parseDouble(v[3]);
            objects.add(new BoxObject(cls, classes.name(cls), -1, x0, y0, x1, y1, false, false, false,
                    (x1 - x0) * (y1 - y0), null));
        }
        Path image = resolve(imageRoot, imagePath);
        ImageRecord record = new ImageRecord(imagePath, ImageIds.numericId(imagePath), image.toString(),
                imagePath, 0, 0, split, where, objects);
        return new IngestItem(record, problems);
    }

    private static Path resolve(Path root, String imagePath) {
        if (imagePath.startsWith("/") || imagePath.matches("^[a-zA-Z][a-zA-Z0-9+.-]+:.*")) {
            return Storage.path(imagePath);
        }
        return new Path(root, imagePath.replace('\\', '/'));
    }
}
