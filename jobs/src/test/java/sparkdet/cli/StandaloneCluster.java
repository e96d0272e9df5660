package sparkdet.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A Spark standalone cluster on 127.0.0.1 made of separate JVMs: one master and two workers of
 * one core each, started from the project's own Spark jars (a stand-in Spark home whose jars/
 * links them, which is all a worker needs to launch executors).
 */
final class StandaloneCluster implements AutoCloseable {
    private final List<Process> processes = new ArrayList<>();
    private final Path dir;
    private final int port;
    private final int webPort;

    private StandaloneCluster(Path dir, int port, int webPort) {
        this.dir = dir;
        this.port = port;
        this.webPort = webPort;
    }

    static StandaloneCluster start(Path root, Path dir, int workers) throws Exception {
        List<String> classpath = Files.readAllLines(root.resolve("jobs/target/spark-classpath.txt"));
        Path jars = Files.createDirectories(dir.resolve("spark-home/jars"));
        for (String entry : String.join(":", classpath).split(":")) {
            Path jar = Path.of(entry);
            if (!entry.isBlank() && entry.endsWith(".jar") && !Files.exists(jars.resolve(jar.getFileName()))) {
                Files.createSymbolicLink(jars.resolve(jar.getFileName()), jar);
            }
        }
        StandaloneCluster c = new StandaloneCluster(dir, freePort(), freePort());
        c.launch("master", "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port",
                Integer.toString(c.port), "--webui-port", Integer.toString(c.webPort));
        for (int w = 0; w < workers; w++) {
            Path work = Files.createDirectories(dir.resolve("worker" + w));
            c.launch("worker" + w, "org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1", "--cores", "1",
                    "--memory", "2g", "--webui-port", Integer.toString(freePort()), "--work-dir", work.toString(),
                    c.masterUrl());
        }
        c.awaitWorkers(workers);
        return c;
    }

    String masterUrl() {
        return "spark://127.0.0.1:" + port;
    }

    /** the work folder of a worker: app-*&#47;&lt;executor&gt;/stderr for each executor it ran */
    Path workDir(int worker) {
        return dir.resolve("worker" + worker);
    }

    /** kills one executor JVM (a worker's child process), as a lost machine would; false if none runs */
    boolean killAnExecutor() {
        for (Process p : processes) {
            var executor = p.descendants().filter(h -> h.info().commandLine().orElse("")
                    .contains("CoarseGrainedExecutorBackend")).findFirst();
            if (executor.isPresent()) {
                return executor.get().destroyForcibly();
            }
        }
        return false;
    }

    private void launch(String name, String mainClass, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-cp", dir.resolve("spark-home/jars").toString() + "/*", mainClass));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".log").toFile());
        pb.environment().put("SPARK_HOME", dir.resolve("spark-home").toString());
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        // a Spark home without launcher/target tells its Scala version only this way
        pb.environment().put("SPARK_SCALA_VERSION", "2.12");
        processes.add(pb.start());
    }

    private void awaitWorkers(int workers) throws Exception {
        ObjectMapper json = new ObjectMapper();
        long deadline = System.currentTimeMillis() + 120_000;
        while (System.currentTimeMillis() < deadline) {
            try {
                JsonNode state = json.readTree(new URL("http://127.0.0.1:" + webPort + "/json/"));
                int alive = 0;
                for (JsonNode w : state.path("workers")) {
                    alive += "ALIVE".equals(w.path("state").asText()) ? 1 : 0;
                }
                if (alive == workers) {
                    return;
                }
            } catch (IOException notYet) {
                // the master's web UI is not up yet
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("the standalone cluster did not come up; see the logs in " + dir);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() {
        for (Process p : processes) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
    }
}
