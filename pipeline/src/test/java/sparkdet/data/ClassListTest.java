package sparkdet.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ClassListTest {
    @Test
    void parseKeepsSpacesAndSlashesInsideNames() {
        ClassList c = ClassList.parse("aeroplane\r\npotted plant\n\n  tv/monitor  \n");
        assertThat(c.names()).containsExactly("aeroplane", "potted plant", "tv/monitor");
        assertThat(c.indexOf("tv/monitor")).isEqualTo(2);
        assertThat(c.indexOf("tv")).isEqualTo(-1);
        assertThat(ClassList.parse(c.toText())).isEqualTo(c);
    }

    @Test
    void duplicatesAreRefusedNamingBothLines() {
        assertThatThrownBy(() -> ClassList.parse("cat\ndog\ncat\n")).hasMessageContaining("'cat'")
                .hasMessageContaining("lines 1 and 3");
    }

    @Test
    void sortedOfDeduplicates() {
        assertThat(ClassList.sortedOf(List.of("b", "a", "b")).names()).containsExactly("a", "b");
    }

    @Test
    void numericIdsFollowTheVocToCocoConvention() {
        assertThat(ImageIds.numericId("000123")).isEqualTo(123);
        assertThat(ImageIds.numericId("2011_000003")).isEqualTo(2011000003L);
        long h = ImageIds.numericId("/data/dog.jpg");
        assertThat(h).isPositive().isLessThan(1L << 53).isEqualTo(ImageIds.numericId("/data/dog.jpg"));
        assertThat(ImageIds.stem("a/b/c.tar.jpg")).isEqualTo("c.tar");
    }
}
