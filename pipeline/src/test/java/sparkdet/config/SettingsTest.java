package sparkdet.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A misspelt setting is an error, not a silently used default. */
class SettingsTest {
    @TempDir
    Path tmp;

    @Test
    void unknownKeysAreErrorsThatNameTheNearestKnownOne() throws Exception {
        assertThatThrownBy(() -> Settings.load(null, List.of("train.epoch=1")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown setting sparkdet.train.epoch")
                .hasMessageContaining("did you mean sparkdet.train.epochs?");
        Path recipe = Files.writeString(tmp.resolve("recipe.conf"), "sparkdet.train {\n  augment {\n    mosiac = false\n  }\n}\n");
        assertThatThrownBy(() -> Settings.load(recipe.toString(), List.of()))
                .hasMessageContaining("sparkdet.train.augment.mosiac").hasMessageContaining("recipe.conf")
                .hasMessageContaining("did you mean sparkdet.train.augment.mosaic?");
        assertThatThrownBy(() -> Settings.load(null, List.of("frobnicate.level=3")))
                .hasMessageContaining("unknown setting sparkdet.frobnicate.level");
    }

    @Test
    void knownKeysSparksOwnSettingsAndNullPass() {
        assertThat(Settings.load(null, List.of("train.epochs=3")).getInt("sparkdet.train.epochs")).isEqualTo(3);
        assertThat(Settings.load(null, List.of("spark.conf.\"spark.sql.shuffle.partitions\"=4"))
                .getInt("sparkdet.spark.conf.\"spark.sql.shuffle.partitions\"")).isEqualTo(4);
        assertThat(Settings.load(null, List.of("spark.conf.\"spark.executor.memory\"=2g"))
                .getString("sparkdet.spark.conf.\"spark.executor.memory\"")).isEqualTo("2g");
        assertThat(Settings.load(null, List.of("train.val-data=null")).getIsNull("sparkdet.train.val-data"))
                .as("null is null, not the string \"null\"").isTrue();
    }

    @Test
    void distanceCountsEdits() {
        assertThat(Settings.distance("epochs", "epoch")).isEqualTo(1);
        assertThat(Settings.distance("mosaic", "mosiac")).isEqualTo(2);
        assertThat(Settings.distance("", "abc")).isEqualTo(3);
    }
}
