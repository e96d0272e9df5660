package sparkdet.predict;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import sparkdet.data.ImageIds;

/** Issue 12, part 5: every listed picture gets its own output name, id and COCO id, whatever the order. */
class OutputNamesTest {
    private static List<String> outputNames(List<String> paths) {
        return OutputNames.of(paths).stream().map(OutputNames.Named::outputName).toList();
    }

    @Test
    void uniqueStemsKeepTheirNamesAndIds() {
        List<OutputNames.Named> n = OutputNames.of(List.of("000123.jpg", "sub/dog.jpg"));
        assertThat(n).containsExactly(new OutputNames.Named("000123", 123, "000123"),
                new OutputNames.Named("sub/dog", ImageIds.numericId("dog"), "dog"));
    }

    @Test
    void aSharedStemFallsBackToThePathThenToTheExtension() {
        List<String> paths = List.of("a/dog.jpg", "b/dog.jpg", "dog.jpg", "dog.png", "a b.jpg", "a_b.jpg");
        List<OutputNames.Named> n = OutputNames.of(paths);
        assertThat(n).extracting(OutputNames.Named::outputName)
                .containsExactly("a%2Fdog", "b%2Fdog", "dog.jpg", "dog.png", "a b", "a_b");
        assertThat(n).extracting(OutputNames.Named::imageId)
                .containsExactly("a/dog", "b/dog", "dog.jpg", "dog.png", "a b", "a_b");
        assertThat(n).extracting(OutputNames.Named::cocoImageId).doesNotHaveDuplicates();
    }

    @Test
    void formsThatMeetAcrossLevelsAreStillDistinct() {
        // dog.jpg.png's stem is dog.jpg, which is also dog.jpg's fallback; 000123 and 123 share a number
        List<String> paths = List.of("dog.jpg.png", "dog.jpg", "dog.png", "000123.jpg", "123.jpg", "x/123.jpg");
        List<OutputNames.Named> n = OutputNames.of(paths);
        assertThat(n).extracting(OutputNames.Named::outputName).doesNotHaveDuplicates();
        assertThat(n).extracting(OutputNames.Named::imageId).doesNotHaveDuplicates();
        assertThat(n).extracting(OutputNames.Named::cocoImageId).doesNotHaveDuplicates();
    }

    @Test
    void theNamesDoNotDependOnTheListingsOrder() {
        List<String> paths = new ArrayList<>(List.of("a/dog.jpg", "b/dog.jpg", "dog.jpg", "dog.png", "cat.jpg",
                "000007.png", "7.jpg", "x:y.jpg", "new\nline.jpg"));
        List<OutputNames.Named> first = OutputNames.of(paths);
        List<String> original = List.copyOf(paths);
        Collections.shuffle(paths, new Random(3));
        List<OutputNames.Named> shuffled = OutputNames.of(paths);
        for (int i = 0; i < paths.size(); i++) {
            assertThat(shuffled.get(i)).isEqualTo(first.get(original.indexOf(paths.get(i))));
        }
    }

    @Test
    void unsafeCharactersAreEscapedReversiblyAndLongNamesCutWithAHash() {
        assertThat(OutputNames.escape("x:y")).isEqualTo("x%3Ay");
        assertThat(OutputNames.escape("new\nline")).isEqualTo("new%0Aline");
        assertThat(OutputNames.escape("50%")).isEqualTo("50%25");
        assertThat(OutputNames.escape(".hidden_")).isEqualTo("%2Ehidden_");
        assertThat(OutputNames.escape("_x")).isEqualTo("%5Fx");
        assertThat(OutputNames.escape("小狗 01")).isEqualTo("小狗 01");
        assertThat(OutputNames.escape("a*b?[c]")).isEqualTo("a%2Ab%3F%5Bc%5D");
        String longer = "狗".repeat(100);
        String a = OutputNames.escape(longer + "a");
        String b = OutputNames.escape(longer + "b");
        assertThat(a).isNotEqualTo(b).startsWith("狗狗").contains("~");
        assertThat(a.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(OutputNames.MAX_NAME_BYTES);
    }
}
