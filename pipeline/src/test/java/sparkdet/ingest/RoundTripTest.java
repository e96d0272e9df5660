package sparkdet.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sparkdet.data.ImageIds;
import sparkdet.data.ImageRecord;
import sparkdet.testing.TestData;
import sparkdet.testing.TestSpark;

/** VOC -> dataset -> annotation lines -> dataset: the same boxes, exactly. */
class RoundTripTest {
    @TempDir
    Path tmp;

    @Test
    void vocToLinesAndBack() throws Exception {
        Path voc = TestData.require(TestData.LABELME_VOC);
        Path first = tmp.resolve("first");
        IngestFixtures.ingest(IngestFormat.VOC, voc, null, null, voc.resolve("class_names.txt"), first);
        Path lines = tmp.resolve("train lines.txt");
        long n = new LinesExport(TestSpark.session()).run(first.toString(), lines.toString(), false, false, false);
        assertThat(n).isEqualTo(3);
        List<String> text = Files.readAllLines(lines, StandardCharsets.UTF_8);
        assertThat(text.get(0)).startsWith(voc.resolve("JPEGImages/2011_000003.jpg").toString() + " 191,107.36900369003689,313,");

        Path second = tmp.resolve("second");
        IngestFixtures.ingest(IngestFormat.LINES, lines, null, null, first.resolve("classes.txt"), second);
        Map<String, ImageRecord> a = IngestFixtures.records(first);
        Map<String, ImageRecord> b = IngestFixtures.records(second);
        assertThat(b).hasSize(3);
        for (ImageRecord rb : b.values()) {
            ImageRecord ra = a.get(ImageIds.stem(rb.fileName));
            assertThat(rb.width).isEqualTo(ra.width);
            assertThat(rb.height).isEqualTo(ra.height);
            assertThat(rb.objects).extracting(o -> o.classIndex + " " + o.label + " " + o.xmin + " " + o.ymin + " " + o.xmax + " " + o.ymax)
                    .containsExactlyElementsOf(ra.objects.stream()
                            .map(o -> o.classIndex + " " + o.label + " " + o.xmin + " " + o.ymin + " " + o.xmax + " " + o.ymax).toList());
        }

        Path ints = tmp.resolve("ints.txt");
        new LinesExport(TestSpark.session()).run(first.toString(), ints.toString(), true, false, false);
        assertThat(Files.readAllLines(ints, StandardCharsets.UTF_8).get(0)).contains(" 191,107,313,329,15 ");
    }
}
