package sparkdet.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProgressBarTest {
    @Test
    void theBarFillsWithTheStepsAndShowsLossAndRate() {
        ProgressBar bar = new ProgressBar(System.err, "epoch 3/40", 120);
        assertThat(bar.line(60, 960, 0.12345, 8.0)).isEqualTo(
                "\repoch 3/40 [===============               ] 60/120 loss 0.1235 120.0 img/s");
        assertThat(bar.line(120, 1920, 0.1, 16.0)).contains("[" + "=".repeat(30) + "] 120/120");
    }

    @Test
    void theLastStepIsAlwaysDrawnAndFinishEndsTheLine() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ProgressBar bar = new ProgressBar(new PrintStream(bytes, true, StandardCharsets.UTF_8), "epoch 1/1", 2);
        bar.step(1, 16, 0.5);
        bar.step(2, 32, 0.4);
        bar.finish();
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertThat(out).contains("2/2 loss 0.4000").endsWith(System.lineSeparator());
    }
}
