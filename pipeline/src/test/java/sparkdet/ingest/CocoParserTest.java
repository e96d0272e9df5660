package sparkdet.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import sparkdet.data.ImageRecord;

class CocoParserTest {
    private static final String IMAGES = "\"images\": [{\"id\": 7, \"file_name\": \"a.jpg\", \"width\": 100, \"height\": 50},"
            + " {\"id\": 9, \"file_name\": \"b.jpg\", \"width\": 10, \"height\": 10}]";
    private static final String ANNOTATIONS = "\"annotations\": ["
            + "{\"id\": 1, \"image_id\": 7, \"category_id\": 3, \"bbox\": [1.5, 2, 10, 20], \"area\": 12.5, \"iscrowd\": 0,"
            + " \"segmentation\": [[1.5, 2, 11.5, 2, 11.5, 22]]},"
            + "{\"id\": 2, \"image_id\": 7, \"category_id\": 1, \"bbox\": [0, 0, 5, 5], \"iscrowd\": 1,"
            + " \"segmentation\": {\"counts\": \"a\\\"b\\\\c\", \"size\": [50, 100]}}]";
    private static final String CATEGORIES = "\"categories\": [{\"id\": 3, \"name\": \"potted plant\"}, {\"id\": 1, \"name\": \"tv/monitor\"}]";

    private static CocoParser.Result parse(String json, int share, int shares) throws Exception {
        return new CocoParser(share, shares).parse(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)),
                "file:/d/gt.json", new Path("file:/d/images"), "val");
    }

    @Test
    void sectionsInAnyOrderGiveTheSameRows() throws Exception {
        String a = parse("{" + IMAGES + "," + ANNOTATIONS + "," + CATEGORIES + "}", 0, 1).items().toString();
        String b = parse("{" + CATEGORIES + ", \"info\": {\"x\": [1, {}]}," + ANNOTATIONS + "," + IMAGES + "}", 0, 1)
                .items().toString();
        assertThat(b).isEqualTo(a);
    }

    @Test
    void fieldsAndSegmentationAreKept() throws Exception {
        CocoParser.Result r = parse("{" + ANNOTATIONS + "," + IMAGES + "," + CATEGORIES + "}", 0, 1);
        assertThat(r.categoryClasses().names()).containsExactly("tv/monitor", "potted plant");
        assertThat(r.annotations()).isEqualTo(2);
        ImageRecord a = r.items().get(0).record;
        assertThat(a.imageId).isEqualTo("7");
        assertThat(a.uri).isEqualTo("file:/d/images/a.jpg");
        assertThat(a.width).isEqualTo(100);
        assertThat(a.objects.get(0).label).isEqualTo("potted plant");
        assertThat(a.objects.get(0).xmax).isEqualTo(11.5);
        assertThat(a.objects.get(0).ymax).isEqualTo(22.0);
        assertThat(a.objects.get(0).area).isEqualTo(12.5);
        assertThat(a.objects.get(0).segmentation).isEqualTo("[[1.5,2,11.5,2,11.5,22]]");
        assertThat(a.objects.get(1).iscrowd).isTrue();
        assertThat(a.objects.get(1).area).as("box area when the file has none").isEqualTo(25.0);
        assertThat(a.objects.get(1).segmentation).isEqualTo("{\"counts\":\"a\\\"b\\\\c\",\"size\":[50,100]}");
        assertThat(r.items().get(1).record.objects).isEmpty();
    }

    @Test
    void sharesPartitionTheImagesWithTheirAnnotations() throws Exception {
        StringBuilder images = new StringBuilder("\"images\": [");
        StringBuilder anns = new StringBuilder("\"annotations\": [");
        for (int i = 1; i <= 50; i++) {
            images.append(i > 1 ? "," : "").append("{\"id\": ").append(i * 13).append(", \"file_name\": \"")
                    .append(i).append(".jpg\", \"width\": 64, \"height\": 64}");
            anns.append(i > 1 ? "," : "").append("{\"image_id\": ").append(i * 13)
                    .append(", \"category_id\": 1, \"bbox\": [1, 1, ").append(i % 9 + 1).append(", 2]}");
        }
        String json = "{" + images + "]," + anns + "], \"categories\": [{\"id\": 1, \"name\": \"x\"}]}";
        List<String> whole = new ArrayList<>();
        parse(json, 0, 1).items().forEach(it -> whole.add(it.record.toString()));
        List<String> union = new ArrayList<>();
        for (int share = 0; share < 3; share++) {
            List<IngestItem> part = parse(json, share, 3).items();
            assertThat(part).isNotEmpty();
            part.forEach(it -> union.add(it.record.toString()));
        }
        assertThat(union).containsExactlyInAnyOrderElementsOf(whole).hasSize(50);
    }
}
