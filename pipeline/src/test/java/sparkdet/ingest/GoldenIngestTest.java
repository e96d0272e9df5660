package sparkdet.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sparkdet.data.BoxObject;
import sparkdet.data.ImageRecord;
import sparkdet.testing.TestData;

/** The golden evaluation case seed1 in both its layouts: the same images, boxes and flags. */
class GoldenIngestTest {
    @TempDir
    Path tmp;

    @Test
    void cocoAndVocLayoutsOfSeed1Agree() throws Exception {
        Path seed = TestData.golden().resolve("eval/seed1");
        IngestSummary coco = IngestFixtures.ingest(IngestFormat.COCO, seed.resolve("gt.json"), null, null, null,
                tmp.resolve("coco"));
        IngestSummary voc = IngestFixtures.ingest(IngestFormat.VOC, seed.resolve("voc"), null, "test",
                seed.resolve("voc/classes.txt"), tmp.resolve("voc"));
        for (IngestSummary s : List.of(coco, voc)) {
            assertThat(s.stats().images()).isEqualTo(200);
            assertThat(s.stats().objects()).isEqualTo(863);
            assertThat(s.stats().quarantined()).isZero();
        }
        assertThat(coco.stats().crowd()).isEqualTo(34);
        assertThat(voc.stats().difficult()).isEqualTo(34);
        assertThat(voc.classes()).isEqualTo(coco.classes());

        Map<String, ImageRecord> c = IngestFixtures.records(tmp.resolve("coco"));
        Map<String, ImageRecord> v = IngestFixtures.records(tmp.resolve("voc"));
        for (ImageRecord vr : v.values()) {
            ImageRecord cr = c.get(Long.toString(vr.cocoImageId));
            assertThat(cr).as("COCO image for VOC " + vr.imageId).isNotNull();
            assertThat(vr.width).isEqualTo(cr.width);
            assertThat(vr.height).isEqualTo(cr.height);
            assertThat(sorted(vr.objects)).isEqualTo(sorted(cr.objects));
        }
    }

    /**
     * the same rows whether a COCO file is streamed by one task or by several keeping shares,
     * and whether VOC files are parsed in one partition or many
     */
    @Test
    void partitioningDoesNotChangeTheRows() throws Exception {
        Path seed = TestData.golden().resolve("eval/seed1");
        IngestSummary one = IngestFixtures.ingest(IngestFormat.COCO, seed.resolve("gt.json"), null, null, null,
                tmp.resolve("one"));
        IngestSummary shared = IngestFixtures.ingest(IngestFormat.COCO, seed.resolve("gt.json"), null, null, null,
                tmp.resolve("shares"), "ingest.coco-bytes-per-task=48k");
        assertThat(new java.io.File(tmp.resolve("shares/data").toFile(), ".").list((d, n) -> n.endsWith(".parquet")))
                .hasSize(4);
        assertThat(shared.stats().toJson(shared.classes())).isEqualTo(one.stats().toJson(one.classes()));
        assertThat(IngestFixtures.records(tmp.resolve("shares")).toString())
                .isEqualTo(IngestFixtures.records(tmp.resolve("one")).toString());

        IngestSummary vocMany = IngestFixtures.ingest(IngestFormat.VOC, seed.resolve("voc"), null, null, null,
                tmp.resolve("voc-many"), "ingest.images-per-partition=30");
        assertThat(new java.io.File(tmp.resolve("voc-many/data").toFile(), ".").list((d, n) -> n.endsWith(".parquet")))
                .hasSize(7);
        assertThat(vocMany.stats().objects()).isEqualTo(863);
        assertThat(vocMany.classes()).isEqualTo(one.classes());
    }

    /** class, corners and crowd-as-difficult: what both layouts carry */
    private static List<String> sorted(List<BoxObject> objects) {
        return objects.stream().map(o -> o.classIndex + ":" + o.xmin + "," + o.ymin + "," + o.xmax + "," + o.ymax
                        + ":" + (o.difficult || o.iscrowd))
                .sorted(Comparator.naturalOrder()).toList();
    }
}
