package sparkdet.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Results that name their file and class (predict's detections.json) find the ground truth by
 * those when the ids are not the ground truth's; plain COCO results keep pycocotools' id rules.
 */
class CocoResultsReaderTest {
    /**
     * ground truth: images 10 (2011_000003.jpg), 11 (2011_000025.jpg), 12 (dog.jpg) and 13 (dog.png);
     * categories 1 cat, 2 dog
     */
    private static final CocoResultsReader.Keys KEYS = new CocoResultsReader.Keys(Map.of(10L, 0, 11L, 1, 12L, 2, 13L, 3),
            Map.of("2011_000003.jpg", 0, "2011_000025.jpg", 1, "dog.jpg", 2, "dog.png", 3),
            Map.of("2011_000003", 0, "2011_000025", 1, "dog", 2),
            new ClassKeys(Map.of("cat", 0, "dog", 1), Map.of(1L, 0, 2L, 1)));

    private static CocoResultsReader.Result read(String json) throws IOException {
        return CocoResultsReader.read(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), "dt.json", KEYS);
    }

    @Test
    void fileNamesAndClassNamesMatchWhereIdsDoNot() throws IOException {
        CocoResultsReader.Result r = read("""
                [{"image_id": 2011000025, "category_id": 1, "category_name": "dog", "bbox": [1, 2, 3, 4], "score": 0.9,
                  "file_name": "JPEGImages/2011_000025.jpg"},
                 {"image_id": 10, "category_id": 1, "bbox": [5, 6, 7, 8], "score": 0.5},
                 {"image_id": 10, "category_id": 2, "category_name": "bird", "bbox": [5, 6, 7, 8], "score": 0.4},
                 {"image_id": 10, "category_id": 9, "category_name": "bird", "bbox": [5, 6, 7, 8], "score": 0.3}]
                """);
        BoxTable t = r.detections();
        assertThat(t.size()).isEqualTo(3);
        assertThat(new int[] {t.image[0], t.category[0]}).as("by stem and by name").containsExactly(1, 1);
        assertThat(new int[] {t.image[1], t.category[1]}).as("by ids").containsExactly(0, 0);
        assertThat(new int[] {t.image[2], t.category[2]}).as("an unknown name falls back to the id").containsExactly(0, 1);
        assertThat(r.unknownCategory()).isEqualTo(1);
    }

    @Test
    void picturesSharingAStemAreToldApartByTheirWholeName() throws IOException {
        CocoResultsReader.Result r = read("""
                [{"image_id": 5551, "category_id": 1, "bbox": [1, 2, 3, 4], "score": 0.9, "file_name": "in/dog.png"},
                 {"image_id": 5552, "category_id": 1, "bbox": [1, 2, 3, 4], "score": 0.8, "file_name": "in/dog.jpg"},
                 {"image_id": 5553, "category_id": 1, "bbox": [1, 2, 3, 4], "score": 0.7, "file_name": "dog.webp"}]
                """);
        BoxTable t = r.detections();
        assertThat(new int[] {t.image[0], t.image[1], t.image[2]}).as("dog.png, dog.jpg, then by stem")
                .containsExactly(3, 2, 2);
    }

    @Test
    void anUnknownImageWithoutAKnownFileIsStillRefused() {
        assertThatThrownBy(() -> read("""
                [{"image_id": 77, "category_id": 1, "bbox": [1, 2, 3, 4], "score": 0.9, "file_name": "other.jpg"}]
                """)).isInstanceOf(IOException.class).hasMessageContaining("image ids [77]");
    }
}
