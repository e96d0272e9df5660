package sparkdet.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import sparkdet.data.BoxObject;
import sparkdet.data.QuarantineReason;

class VocParserTest {
    private final VocParser parser = new VocParser();
    private final Path root = new Path("file:/voc/JPEGImages");

    private IngestItem parse(String xml) {
        return parser.parse(xml.getBytes(StandardCharsets.UTF_8), "file:/voc/Annotations/000005.xml", root, "trainval");
    }

    @Test
    void personLayoutPartsDoNotReplaceTheObjectsBox() {
        IngestItem item = parse("""
            <annotation><size><width>500</width><height>375</height></size>
              <object><name> person </name><truncated>1</truncated><difficult>1</difficult>
                <bndbox><xmin>10.5</xmin><ymin>20</ymin><xmax>110</xmax><ymax>300</ymax></bndbox>
                <part><name>head</name><bndbox><xmin>40</xmin><ymin>25</ymin><xmax>70</xmax><ymax>60</ymax></bndbox></part>
              </object>
            </annotation>""");
        assertThat(item.quarantined).isEmpty();
        assertThat(item.record.fileName).as("no <filename>: the stem's jpg").isEqualTo("000005.jpg");
        assertThat(item.record.uri).isEqualTo("file:/voc/JPEGImages/000005.jpg");
        assertThat(item.record.split).isEqualTo("trainval");
        assertThat(item.record.objects).hasSize(1);
        BoxObject o = item.record.objects.get(0);
        assertThat(o.label).isEqualTo("person");
        assertThat(new double[] {o.xmin, o.ymin, o.xmax, o.ymax}).containsExactly(10.5, 20, 110, 300);
        assertThat(o.difficult).isTrue();
        assertThat(o.truncated).isTrue();
    }

    @Test
    void declaredEncodingIsHonoured() {
        byte[] gbk = ("<?xml version=\"1.0\" encoding=\"GBK\"?><annotation><filename>猫.jpg</filename>"
                + "<size><width>5</width><height>5</height></size><object><name>猫</name>"
                + "<bndbox><xmin>1</xmin><ymin>1</ymin><xmax>3</xmax><ymax>3</ymax></bndbox></object></annotation>")
                .getBytes(Charset.forName("GBK"));
        IngestItem item = parser.parse(gbk, "file:/voc/Annotations/a.xml", root, null);
        assertThat(item.record.fileName).isEqualTo("猫.jpg");
        assertThat(item.record.objects.get(0).label).isEqualTo("猫");
    }

    @Test
    void brokenObjectsAreQuarantinedOneByOne() {
        IngestItem item = parse("""
            <annotation><filename>x.jpg</filename>
              <object><bndbox><xmin>1</xmin><ymin>1</ymin><xmax>2</xmax><ymax>2</ymax></bndbox></object>
              <object><name>cat</name><bndbox><xmin>one</xmin><ymin>1</ymin><xmax>2</xmax><ymax>2</ymax></bndbox></object>
              <object><name>dog</name><bndbox><xmin>1</xmin><ymin>1</ymin><xmax>2</xmax><ymax>2</ymax></bndbox></object>
            </annotation>""");
        assertThat(item.record.objects).extracting(o -> o.label).containsExactly("dog");
        assertThat(item.record.width).as("no <size>: read from the image later").isZero();
        assertThat(item.quarantined).extracting(q -> q.source).containsExactly(
                "file:/voc/Annotations/000005.xml#object1", "file:/voc/Annotations/000005.xml#object2");
        assertThat(item.quarantined.get(1).detail).contains("'one'");
    }

    @Test
    void entitiesWithoutDoctypeAndForeignRootsAreRefused() {
        assertThat(parse("<annotation><filename>&undeclared;</filename></annotation>").quarantined.get(0).reason)
                .isEqualTo(QuarantineReason.MALFORMED_ANNOTATION);
        assertThat(parse("<svg><filename>a.jpg</filename></svg>").quarantined.get(0).detail)
                .contains("not <annotation>");
        assertThat(parse("<!DOCTYPE annotation SYSTEM \"http://127.0.0.1:9/x.dtd\"><annotation/>").quarantined.get(0).reason)
                .isEqualTo(QuarantineReason.XML_DOCTYPE_FORBIDDEN);
    }
}
