package sparkdet.ingest;

import java.io.ByteArrayInputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import org.apache.hadoop.fs.Path;
import sparkdet.data.BoxObject;
import sparkdet.data.ImageIds;
import sparkdet.data.ImageRecord;
import sparkdet.data.QuarantineReason;
import sparkdet.data.Quarantined;

/**
 * One Pascal VOC annotation file into an image row with raw labels (class index -1: classes are
 * resolved later, once all labels are known). Hostile files are refused, not expanded: a DOCTYPE
 * is rejected before any entity could be read, and the JDK's own StAX parser is used with DTDs
 * and external entities switched off.
 */
public final class VocParser {
    private final XMLInputFactory factory;

    public VocParser() {
        factory = XMLInputFactory.newDefaultFactory();
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        factory.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, false);
        factory.setProperty(XMLInputFactory.IS_COALESCING, true);
    }

    /**
     * @param xml the file's bytes: the parser honours the encoding the XML declaration names
     * @param source the file's URI, for the row and for error messages
     * @param imageRoot the folder the {@code <filename>} is relative to
     * @param split the split name, or null
     */
    public IngestItem parse(byte[] xml, String source, Path imageRoot, String split) {
        String stem = ImageIds.stem(new Path(source).getName());
        Fields f;
        try {
            f = read(xml);
        } catch (DoctypeException e) {
            return IngestItem.rejected(new Quarantined(source, QuarantineReason.XML_DOCTYPE_FORBIDDEN,
                    "the file declares a DOCTYPE; DTDs and entities are refused"));
        } catch (XMLStreamException | RuntimeException e) {
            return IngestItem.rejected(new Quarantined(source, QuarantineReason.MALFORMED_ANNOTATION,
                    "not well-formed VOC XML: " + oneLine(e.getMessage())));
        }
        String fileName = f.fileName == null || f.fileName.isBlank() ? stem + ".jpg" : f.fileName.strip();
        Optional<Path> image = ImagePaths.under(imageRoot, fileName);
        if (image.isEmpty()) {
            return IngestItem.rejected(new Quarantined(source, QuarantineReason.PATH_OUTSIDE_ROOT,
                    "<filename> '" + fileName + "' leaves the image folder " + imageRoot));
        }
        List<Quarantined> problems = new ArrayList<>();
        List<BoxObject> objects = new ArrayList<>();
        for (int i = 0; i < f.objects.size(); i++) {
            RawObject o = f.objects.get(i);
            String where = source + "#object" + (i + 1);
            if (o.name == null || o.name.isBlank()) {
                problems.add(new Quarantined(where, QuarantineReason.MALFORMED_ANNOTATION, "object without a <name>"));
                continue;
            }
            double[] c = new double[4];
            String[] raw = {o.xmin, o.ymin, o.xmax, o.ymax};
            String bad = null;
            for (int k = 0; k < 4; k++) {
                try {
                    c[k] = Double.parseDouble(raw[k] == null ? "" : raw[k].strip());
                } catch (NumberFormatException e) {
                    bad = "'" + raw[k] + "'";
                }
            }
            if (bad != null) {
                problems.add(new Quarantined(where, QuarantineReason.MALFORMED_ANNOTATION,
                        "label '" + o.name.strip() + "': <bndbox> coordinate " + bad + " is not a number"));
                continue;
            }
            objects.add(new BoxObject(-1, o.name.strip(), -1, c[0], c[1], c[2], c[3], flag(o.difficult),
                    flag(o.truncated), false, (c[2] - c[0]) * (c[3] - c[1]), null));
        }
        ImageRecord record = new ImageRecord(stem, ImageIds.numericId(stem), image.get().toString(),
                fileName, parseSize(f.width), parseSize(f.height), split, source, objects);
        return new IngestItem(record, problems);
    }

    private static boolean flag(String value) {
        if (value == null) {
            return false;
        }
        String v = value.strip();
        return v.equals("1") || v.equalsIgnoreCase("true");
    }

    private static int parseSize(String value) {
        if (value == null) {
            return 0;
        }
        try {
            double v = Double.parseDouble(value.strip());
            return v >= 1 && v < Integer.MAX_VALUE ? (int) v : 0;
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s+", " ").strip();
    }

    private static final class RawObject {
        String name;
        String difficult;
        String truncated;
        String xmin;
        String ymin;
        String xmax;
        String ymax;
    }

    private static final class Fields {
        String fileName;
        String width;
        String height;
        final List<RawObject> objects = new ArrayList<>();
    }

    private static final class DoctypeException extends Exception {
        private static final long serialVersionUID = 1L;
    }

    /** walks the document keeping the element path, so that a <part>'s bndbox is not the object's */
    private Fields read(byte[] xml) throws XMLStreamException, DoctypeException {
        XMLStreamReader r = factory.createXMLStreamReader(new ByteArrayInputStream(xml));
        Fields f = new Fields();
        Deque<String> path = new ArrayDeque<>();
        RawObject current = null;
        StringBuilder text = new StringBuilder();
        String root = null;
        try {
            while (r.hasNext()) {
                int ev = r.next();
                switch (ev) {
                    case XMLStreamConstants.DTD:
                    case XMLStreamConstants.ENTITY_REFERENCE:
                    case XMLStreamConstants.ENTITY_DECLARATION:
                        throw new DoctypeException();
                    case XMLStreamConstants.START_ELEMENT:
                        path.addLast(r.getLocalName());
                        if (root == null) {
                            root = r.getLocalName();
                        }
                        text.setLength(0);
                        if (path.size() == 2 && r.getLocalName().equals("object")) {
                            current = new RawObject();
                            f.objects.add(current);
                        }
                        break;
                    case XMLStreamConstants.CHARACTERS:
                    case XMLStreamConstants.CDATA:
                        text.append(r.getText());
                        break;
                    case XMLStreamConstants.END_ELEMENT:
                        assign(f, current, path, text.toString());
                        if (path.size() == 2 && r.getLocalName().equals("object")) {
                            current = null;
                        }
                        path.removeLast();
                        text.setLength(0);
                        break;
                    default:
                        break;
                }
            }
        } finally {
            r.close();
        }
        if (!"annotation".equals(root)) {
            throw new XMLStreamException("the root element is not <annotation>");
        }
        return f;
    }

    private void assign(Fields f, RawObject o, Deque<String> path, String value) {
        String joined = String.join("/", path);
        switch (joined) {
            case "annotation/filename" -> f.fileName = value;
            case "annotation/size/width" -> f.width = value;
            case "annotation/size/height" -> f.height = value;
            case "annotation/object/name" -> o.name = value;
            case "annotation/object/difficult" -> o.difficult = value;
            case "annotation/object/truncated" -> o.truncated = value;
            case "annotation/object/bndbox/xmin" -> o.xmin = value;
            case "annotation/object/bndbox/ymin" -> o.ymin = value;
            case "annotation/object/bndbox/xmax" -> o.xmax = value;
            case "annotation/object/bndbox/ymax" -> o.ymax = value;
            default -> {
            }
        }
    }
}
