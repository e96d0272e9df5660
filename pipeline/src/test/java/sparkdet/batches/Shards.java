package sparkdet.batches;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import sparkdet.data.BoxObject;
import sparkdet.data.ImageRecord;
import sparkdet.ingest.IngestItem;
import sparkdet.ingest.VocParser;
import sparkdet.testing.TestData;

/**
 * Shards of real photos for the loader tests: darknet's sample photos with boxes drawn around
 * their objects by eye, and labelme's VOC example with its own annotation files.
 */
final class Shards {
    static final int PERSON = 0;
    static final int DOG = 1;
    static final int HORSE = 2;
    static final int BICYCLE = 3;
    static final int TRUCK = 4;
    static final int CAR = 5;
    static final int BUS = 6;
    private static final Map<String, Integer> LABELME_CLASSES = Map.of("person", PERSON, "car", CAR, "bus", BUS);

    private Shards() {
    }

    static BoxObject object(int cls, double x1, double y1, double x2, double y2, boolean difficult) {
        return new BoxObject(cls, "c" + cls, -1, x1, y1, x2, y2, difficult, false, false,
                (x2 - x1) * (y2 - y1), null);
    }

    static ImageRecord record(Path image, int width, int height, List<BoxObject> objects) {
        String stem = image.getFileName().toString().replaceFirst("\\.[^.]+$", "");
        return new ImageRecord(stem, stem.hashCode(), image.toUri().toString(), image.getFileName().toString(),
                width, height, "train", image.toString(), objects);
    }

    static Path darknet(String name) {
        return TestData.require(TestData.DARKNET.resolve(name));
    }

    static ImageRecord dog() {
        return record(darknet("dog.jpg"), 768, 576, List.of(
                object(BICYCLE, 124, 127, 574, 450, false),
                object(DOG, 128, 224, 314, 537, false),
                object(TRUCK, 463, 76, 690, 171, false)));
    }

    /** the darknet photos (5 records) and labelme's 3 VOC images */
    static List<ImageRecord> photos() throws Exception {
        List<ImageRecord> shard = new ArrayList<>();
        shard.add(dog());
        shard.add(record(darknet("horses.jpg"), 773, 512, List.of(
                object(HORSE, 2, 194, 212, 380, false),
                object(HORSE, 225, 190, 417, 374, false),
                object(HORSE, 402, 203, 610, 372, false),
                object(HORSE, 586, 226, 773, 374, true))));
        shard.add(record(darknet("person.jpg"), 640, 424, List.of(
                object(PERSON, 190, 97, 274, 381, false),
                object(DOG, 60, 263, 203, 347, false),
                object(HORSE, 404, 139, 576, 346, false))));
        shard.add(record(darknet("giraffe.jpg"), 500, 500, List.of()));
        shard.add(record(darknet("kite.jpg"), 1352, 900, List.of(
                object(PERSON, 583, 484, 639, 664, false))));
        shard.addAll(labelme());
        return shard;
    }

    private static List<ImageRecord> labelme() throws Exception {
        Path voc = TestData.require(TestData.LABELME_VOC);
        List<ImageRecord> out = new ArrayList<>();
        VocParser parser = new VocParser();
        try (var files = Files.list(voc.resolve("Annotations"))) {
            for (Path xml : files.sorted().toList()) {
                IngestItem item = parser.parse(Files.readAllBytes(xml), xml.toUri().toString(),
                        new org.apache.hadoop.fs.Path(voc.resolve("JPEGImages").toUri()), "train");
                List<BoxObject> objects = item.record.objects.stream()
                        .map(o -> o.withClass(classIndex(o.label), o.label)).toList();
                out.add(item.record.withObjects(objects));
            }
        }
        return out;
    }

    private static int classIndex(String label) {
        Integer i = LABELME_CLASSES.get(label);
        if (i == null) {
            throw new IllegalStateException("labelme example has an unexpected class " + label);
        }
        return i;
    }
}
