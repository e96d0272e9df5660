package sparkdet.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static sparkdet.cli.MainTest.run;

import java.util.List;
import org.junit.jupiter.api.Test;
import sparkdet.model.Devices;
import sparkdet.cli.MainTest.Result;

/** doctor with the real parts: every line printed, libtorch, ONNX Runtime and OpenCV loaded, auto as the trainer picks it. */
class DoctorCommandTest {
    @Test
    void printsEveryPartOfThisMachine() {
        Result r = run("doctor");
        assertThat(r.code()).as(r.err()).isZero();
        List<String> lines = r.out().lines().toList();
        for (String name : DoctorCommand.LINES) {
            assertThat(lines).as(r.out()).anyMatch(l -> l.startsWith(name + ": "));
        }
        assertThat(line(lines, "java")).contains(System.getProperty("java.version"));
        assertThat(line(lines, "libtorch")).startsWith("loaded");
        assertThat(line(lines, "onnxruntime")).isNotBlank().doesNotContain("unavailable");
        assertThat(line(lines, "opencv")).startsWith("4.");
        assertThat(line(lines, "spark")).matches("\\d+\\.\\d+.*");
        assertThat(line(lines, "hadoop")).doesNotContain("unavailable");
        // what the trainer's own rule picks here: the CPU on the project's machines, a GPU where there is one
        assertThat(line(lines, "auto device")).isEqualTo(Devices.name(Devices.select(Devices.AUTO, 0)));
        assertThat(line(lines, "cuda devices")).matches("\\d+");
    }

    @Test
    void takesNoOptionsOfItsOwn() {
        Result r = run("doctor", "--runs", "3");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("unknown option --runs");
    }

    private static String line(List<String> lines, String name) {
        return lines.stream().filter(l -> l.startsWith(name + ": ")).findFirst().orElseThrow()
                .substring(name.length() + 2);
    }
}
