package sparkdet.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static sparkdet.cli.MainTest.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sparkdet.cli.MainTest.Result;
import sparkdet.testing.TestData;

/** show: an ingested dataset's images and boxes as the CSV and JSON that pandas reads without pyarrow. */
class ShowCommandTest {
    @TempDir
    Path tmp;

    @Test
    void imagesAndBoxesOfAnIngestedDatasetAsCsvAndJson() throws Exception {
        Path coco = TestData.require(TestData.LABELME_COCO);
        Path ds = tmp.resolve("ds");
        Result ingest = run("ingest", "--master", "local[2]", "--format", "coco", "--input",
                coco.resolve("annotations.json").toString(), "--images", coco.toString(), "--output", ds.toString());
        assertThat(ingest.code()).as(ingest.err()).isZero();

        Path images = tmp.resolve("images.csv");
        Result shown = run("show", "--master", "local[2]", "--input", ds.toString(), "--output", images.toString());
        assertThat(shown.code()).as(shown.err()).isZero();
        assertThat(shown.out()).contains("wrote 3 images rows to");
        List<String> rows = Files.readAllLines(images);
        assertThat(rows).hasSize(4);
        assertThat(rows.get(0)).isEqualTo("image_id,coco_image_id,file_name,uri,width,height,split,objects,mask_uri");
        assertThat(rows.get(1)).as("image 0 of labelme's example: 500x338, no split, 3 objects, no mask")
                .startsWith("0,0,JPEGImages/2011_000003.jpg,file:/").endsWith("/2011_000003.jpg,500,338,,3,");

        Path boxes = tmp.resolve("boxes.json");
        assertThat(run("show", "--master", "local[2]", "--input", ds.toString(), "--output", boxes.toString(),
                "--table", "boxes").code()).isZero();
        JsonNode table = new ObjectMapper().readTree(boxes.toFile());
        JsonNode first = table.get(0);
        assertThat(first.get("image_id").asText()).isEqualTo("0");
        assertThat(first.get("image_height").asInt()).isEqualTo(338);
        assertThat(first.get("label").asText()).isEqualTo("person");
        assertThat(first.get("category_id").asLong()).isEqualTo(15);
        assertThat(first.get("xmax").asDouble()).isGreaterThan(first.get("xmin").asDouble());
        assertThat(first.get("iscrowd").isBoolean()).isTrue();
        java.util.Map<String, Integer> perClass = new java.util.TreeMap<>();
        for (JsonNode box : table) {
            perClass.merge(box.get("label").asText(), 1, Integer::sum);
        }
        java.util.Map<String, Integer> counted = new java.util.TreeMap<>();
        new ObjectMapper().readTree(ds.resolve("stats.json").toFile()).get("per_class").fields().forEachRemaining(
                e -> {
                    if (e.getValue().asInt() > 0) {
                        counted.put(e.getKey(), e.getValue().asInt());
                    }
                });
        assertThat(perClass).as("every object, as stats.json counts them").isEqualTo(counted).hasSize(6);

        Result again = run("show", "--input", ds.toString(), "--output", boxes.toString(), "--table", "boxes");
        assertThat(again.code()).as("an existing table is kept without --overwrite").isEqualTo(2);
        assertThat(run("show", "--master", "local[2]", "--input", ds.toString(), "--output", boxes.toString(),
                "--table", "images", "--overwrite").code()).isZero();
        assertThat(new ObjectMapper().readTree(boxes.toFile()).size()).as("replaced by the images table").isEqualTo(3);
    }

    @Test
    void anUnknownTableOrFormatIsAUsageErrorAndAMissingDatasetNamesItself() {
        Result table = run("show", "--input", tmp.toString(), "--output", tmp.resolve("t.csv").toString(), "--table",
                "objects");
        assertThat(table.code()).isEqualTo(2);
        assertThat(table.err()).contains("--table must be one of [images, boxes], not 'objects'");
        Result format = run("show", "--input", tmp.toString(), "--output", tmp.resolve("t.parquet").toString());
        assertThat(format.code()).isEqualTo(2);
        assertThat(format.err()).contains("must end in .csv or .json");
        Result missing = run("show", "--master", "local[2]", "--input", tmp.resolve("none").toString(), "--output",
                tmp.resolve("t.csv").toString());
        assertThat(missing.code()).isEqualTo(3);
        assertThat(missing.err()).contains("none").contains("is not a complete dataset");
        assertThat(tmp.resolve("t.csv")).doesNotExist();
    }
}
