package sparkdet.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sparkdet.data.ImageRecord;
import sparkdet.image.LabelMap;
import sparkdet.image.LabelPng;
import sparkdet.io.InputUnusableException;
import sparkdet.testing.Bombs;
import sparkdet.testing.TestFiles;

/**
 * Every kind of bad mask in one voc-seg root: each ends in quarantine with its reason, or is kept
 * with its warning, and the good masks are all there; nothing is written beside the dataset.
 */
class VocSegHostileTest {
    private static final int W = 40;
    private static final int H = 30;

    @TempDir
    Path tmp;

    /** a W x H mask: the values given, each over 100 pixels from the first one on, then background */
    private static LabelMap mask(int... valuesOfEach100Pixels) {
        byte[] pixels = new byte[W * H];
        for (int i = 0; i < valuesOfEach100Pixels.length; i++) {
            Arrays.fill(pixels, i * 100, (i + 1) * 100, (byte) valuesOfEach100Pixels[i]);
        }
        return new LabelMap(W, H, pixels);
    }

    private static byte[] grey(int... valuesOfEach100Pixels) {
        return LabelPng.encodeGrey(mask(valuesOfEach100Pixels));
    }

    private Path root(List<String> stems) throws Exception {
        Path root = tmp.resolve("voc");
        Path jpg = Files.createDirectories(root.resolve("JPEGImages"));
        Path seg = Files.createDirectories(root.resolve("SegmentationClass"));
        for (String stem : stems) {
            ImageIO.write(new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB), "jpg", jpg.resolve(stem + ".jpg").toFile());
        }
        Files.write(seg.resolve("good.png"), LabelPng.encodeVocPalette(mask(1, 255, 0, 1)));
        Files.write(seg.resolve("beyond.png"), grey(1, 7, 7));
        Files.write(seg.resolve("empty.png"), grey());
        Files.write(seg.resolve("binary.png"), grey(255, 0, 255));
        BufferedImage rgb = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        rgb.setRGB(3, 3, 0x800000);
        ImageIO.write(rgb, "png", seg.resolve("rgb.png").toFile());
        byte[] good = Files.readAllBytes(seg.resolve("good.png"));
        Files.write(seg.resolve("truncated.png"), Arrays.copyOf(good, good.length - 20));
        Files.write(seg.resolve("bomb.png"), Bombs.png(30000, 30000));
        Files.write(seg.resolve("small.png"), LabelPng.encodeGrey(new LabelMap(20, 10, new byte[200])));
        Files.copy(jpg.resolve("good.jpg"), seg.resolve("jpeg.png"));
        Files.writeString(tmp.resolve("secret.png"), "outside");
        Files.writeString(Files.createDirectories(root.resolve("ImageSets/Segmentation")).resolve("train.txt"),
                String.join("\n", stems) + "\n../../secret\ngood\n");
        return root;
    }

    private static final List<String> STEMS = List.of("good", "beyond", "empty", "binary", "rgb", "truncated",
            "bomb", "small", "jpeg", "nomask");

    @Test
    void everyBadMaskIsQuarantinedWithItsReason() throws Exception {
        Path root = root(STEMS);
        Path classes = Files.writeString(tmp.resolve("classes.txt"), "background\nthing\n");
        Map<String, byte[]> before = TestFiles.contents(root);
        Path out = tmp.resolve("ds");
        IngestSummary s = IngestFixtures.ingest(IngestFormat.VOC_SEG, root, null, "train", classes, out);

        Map<String, String> reasons = new TreeMap<>();
        Map<String, String> details = new TreeMap<>();
        for (JsonNode q : IngestFixtures.quarantine(out)) {
            String src = q.get("source").asText();
            String key = src.substring(src.lastIndexOf('/') + 1);
            reasons.merge(key, q.get("reason").asText(), (a, b) -> a + "," + b);
            details.put(key, q.get("detail").asText());
        }
        assertThat(reasons).containsEntry("binary.png", "mask_only_0_255")
                .containsEntry("rgb.png", "mask_not_single_channel")
                .containsEntry("truncated.png", "mask_unreadable")
                .containsEntry("jpeg.png", "mask_unreadable")
                .containsEntry("bomb.png", "mask_too_large")
                .containsEntry("small.png", "mask_size_mismatch")
                .containsEntry("nomask.png", "mask_missing")
                .containsEntry("train.txt:11", "path_outside_root")
                .containsEntry("train.txt:12", "duplicate_image_id")
                .hasSize(9);
        assertThat(details.get("binary.png")).contains("only 0 and 255").contains("--binary-mask reads 255 as class 1");
        assertThat(details.get("rgb.png")).contains("8-bit RGB").contains("Convert each colour to its class index");
        assertThat(details.get("truncated.png")).contains("truncated.png").contains("truncated PNG");
        assertThat(details.get("jpeg.png")).contains("not a PNG file");
        assertThat(details.get("bomb.png")).contains("30000x30000").contains("sparkdet.images.max-pixels");
        assertThat(details.get("small.png")).contains("is 20x10 but its picture").contains("is 40x30");
        assertThat(details.get("nomask.png")).contains("no mask file at");

        Map<String, ImageRecord> rows = IngestFixtures.records(out);
        assertThat(rows).containsOnlyKeys("good", "beyond", "empty");
        assertThat(rows.get("good").maskPixels[1]).isEqualTo(200);
        assertThat(rows.get("good").maskPixels[255]).isEqualTo(100);
        JsonNode stats = IngestFixtures.json(out.resolve("stats.json"));
        assertThat(stats.get("warnings").get("mask_class_out_of_range").asLong()).isEqualTo(1);
        assertThat(stats.get("warnings").get("mask_background_only").asLong()).isEqualTo(1);
        assertThat(stats.get("ignored_pixels").asLong()).as("255 of good, 7 of beyond").isEqualTo(100 + 200);
        assertThat(stats.get("pixels_per_class").get("thing").asLong()).isEqualTo(200 + 100);
        assertThat(stats.get("quarantined").asLong()).isEqualTo(9);
        assertThat(s.stats().quarantineReasons()).containsEntry("mask_unreadable", 2L);

        assertThat(TestFiles.contents(root)).as("the source is left as it was").containsOnlyKeys(before.keySet());
        TestFiles.contents(root).forEach((k, v) -> assertThat(v).as(k).isEqualTo(before.get(k)));
        try (Stream<Path> beside = Files.list(tmp)) {
            assertThat(beside.map(p -> p.getFileName().toString()))
                    .as("no staging folder left").containsExactlyInAnyOrder("voc", "classes.txt", "secret.png", "ds");
        }
    }

    /** --binary-mask: 255 is class 1 in every mask; the changed masks are written under masks/, the sources kept */
    @Test
    void binaryMaskMakesTwoFiftyFiveTheObject() throws Exception {
        Path root = root(List.of("good", "binary", "empty"));
        Path out = tmp.resolve("binary-ds");
        IngestFixtures.run(IngestFixtures.request(IngestFormat.VOC_SEG, root, null, "train", null, out)
                .withBinaryMask(true));

        assertThat(Files.readAllLines(out.resolve("classes.txt"))).containsExactly("background", "foreground");
        Map<String, ImageRecord> rows = IngestFixtures.records(out);
        assertThat(rows).containsOnlyKeys("good", "binary", "empty");
        ImageRecord binary = rows.get("binary");
        assertThat(binary.maskPixels[1]).isEqualTo(200);
        assertThat(binary.maskPixels[255]).isZero();
        assertThat(binary.maskUri).isEqualTo(out.resolve("masks/binary.png").toUri().toString().replace("file:///", "file:/"));
        LabelMap written = LabelPng.decode(Files.readAllBytes(out.resolve("masks/binary.png")), "binary",
                sparkdet.testing.TestSpark.pixelLimit());
        assertThat(written.histogram()).containsExactly(binary.maskPixels);
        assertThat(LabelPng.header(Files.readAllBytes(out.resolve("masks/binary.png"))).describe()).isEqualTo("8-bit grey");
        assertThat(rows.get("empty").maskUri).as("unchanged: pointed at").endsWith("/voc/SegmentationClass/empty.png");
        assertThat(LabelPng.decode(Files.readAllBytes(root.resolve("SegmentationClass/binary.png")), "source",
                sparkdet.testing.TestSpark.pixelLimit()).histogram()[255]).as("the source is untouched").isEqualTo(200);
        assertThat(IngestFixtures.quarantine(out)).extracting(n -> n.get("reason").asText())
                .containsExactly("path_outside_root", "duplicate_image_id");
    }

    /** more than two classes: a 0/255 mask can be genuine (VOC marks whole ambiguous objects 255): kept, warned */
    @Test
    void zeroAnd255WithManyClassesIsAWarning() throws Exception {
        Path root = root(List.of("good", "binary"));
        Path classes = Files.writeString(tmp.resolve("classes.txt"), "__ignore__\n_background_\na\nb\n");
        Path out = tmp.resolve("many-ds");
        IngestSummary s = IngestFixtures.ingest(IngestFormat.VOC_SEG, root, null, "train", classes, out);
        assertThat(s.classes().names()).as("labelme's __ignore__ is not a class").containsExactly("_background_", "a", "b");
        assertThat(IngestFixtures.records(out)).containsOnlyKeys("good", "binary");
        assertThat(IngestFixtures.json(out.resolve("stats.json")).get("warnings").get("mask_only_0_255").asLong())
                .isEqualTo(1);
    }

    /**
     * A name whose bytes are not UTF-8: named by a split list (read as ISO-8859-1 then) it names no
     * file; listed without a split, Hadoop's listing would skip it silently, so it is looked for
     */
    @Test
    void aMaskNameThatIsNotUtf8() throws Exception {
        Path root = root(List.of("good"));
        for (String bad : List.of("binary", "rgb", "truncated", "bomb", "small", "jpeg", "beyond", "empty")) {
            Files.delete(root.resolve("SegmentationClass/" + bad + ".png"));
        }
        for (String copy : List.of("SegmentationClass good.png png", "JPEGImages good.jpg jpg")) {
            String[] c = copy.split(" ");
            // the shell's printf makes the byte 0xFF; Java would write any name it is given as UTF-8
            Process p = new ProcessBuilder("sh", "-c", "cp " + c[1] + " \"$(printf 'bad\\377name')." + c[2] + "\"")
                    .directory(root.resolve(c[0]).toFile()).inheritIO().start();
            assertThat(p.waitFor()).isZero();
        }
        Files.write(root.resolve("ImageSets/Segmentation/train.txt"),
                new byte[] {'g', 'o', 'o', 'd', '\n', 'b', 'a', 'd', (byte) 0xFF, 'n', 'a', 'm', 'e', '\n'});
        Path classes = Files.writeString(tmp.resolve("classes.txt"), "background\nthing\n");

        Path listed = tmp.resolve("listed");
        IngestSummary s = IngestFixtures.ingest(IngestFormat.VOC_SEG, root, null, "train", classes, listed);
        assertThat(IngestFixtures.records(listed)).containsOnlyKeys("good");
        assertThat(IngestFixtures.quarantine(listed)).extracting(n -> n.get("reason").asText())
                .containsExactly("image_missing");
        assertThat(s.stats().images()).isEqualTo(1);

        Path all = tmp.resolve("all");
        s = IngestFixtures.ingest(IngestFormat.VOC_SEG, root, null, null, classes, all);
        assertThat(IngestFixtures.records(all)).containsOnlyKeys("good");
        List<JsonNode> q = IngestFixtures.quarantine(all);
        assertThat(q).extracting(n -> n.get("reason").asText()).containsExactly("mask_unreadable");
        assertThat(q.get(0).get("detail").asText()).contains("name is not valid").contains("rename");
        assertThat(s.stats().images()).isEqualTo(1);
    }

    @Test
    void withoutClassesItRefusesBeforeWritingAnything() throws Exception {
        Path root = root(List.of("good"));
        Path out = tmp.resolve("none");
        assertThatThrownBy(() -> IngestFixtures.ingest(IngestFormat.VOC_SEG, root, null, "train", null, out))
                .isInstanceOf(InputUnusableException.class)
                .hasMessageContaining("background first").hasMessageContaining("--classes FILE")
                .hasMessageContaining("class_names.txt or labels.txt");
        assertThat(out).doesNotExist();
    }
}
