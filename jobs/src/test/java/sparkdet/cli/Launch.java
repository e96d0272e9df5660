package sparkdet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** bin/sparkdet as users run it: a new JVM on the shaded jar, with the launcher's flags. */
final class Launch {
    record Run(int code, String output) {
    }

    private Launch() {
    }

    static Path root() {
        return Path.of(System.getProperty("sparkdet.root", "..")).toAbsolutePath().normalize();
    }

    static Run sparkdet(String... args) throws Exception {
        Process p = start(args);
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(600, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), out);
    }

    /** a command started, not waited for; its output goes to the test's log */
    static Process start(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(root().resolve("bin/sparkdet").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("SPARKDET_JAVA_OPTS", "-Xmx1g -XX:+UseParallelGC");
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        return pb.start();
    }
}
