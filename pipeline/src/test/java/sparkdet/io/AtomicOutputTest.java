package sparkdet.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What killed runs leave beside an output is cleaned by the next run of that output, and only that. */
class AtomicOutputTest {
    private final Storage storage = new Storage(new Configuration());

    @TempDir
    Path tmp;

    @Test
    void theNextRunRemovesTheStagingFoldersOfDeadRunsOfTheSameOutput() throws Exception {
        String host = InetAddress.getLocalHost().getHostName();
        Path dead = leftover(".out.tmp-", deadPid() + "@" + host);
        Path live = leftover(".out.tmp-", ProcessHandle.current().pid() + "@" + host);
        Path foreignRecent = leftover(".out.tmp-", "7@elsewhere.example");
        Path foreignOld = leftover(".out.tmp-", "7@elsewhere.example");
        age(foreignOld);
        Path unnamedOld = Files.createDirectories(tmp.resolve(".out.tmp-" + UUID.randomUUID()));
        age(unnamedOld);
        Path otherOutput = leftover(".other.tmp-", deadPid() + "@" + host);

        AtomicOutput out = AtomicOutput.begin(storage, Storage.path(tmp.resolve("out").toString()), false);
        Files.writeString(Path.of(out.resolve("a.txt").toUri()), "new");
        out.commit();

        assertThat(dead).as("a run of this machine that is gone").doesNotExist();
        assertThat(unnamedOld).as("an old sibling without a writer").doesNotExist();
        assertThat(foreignOld).as("a day-old sibling from another machine").doesNotExist();
        assertThat(live).as("a writer that still runs").exists();
        assertThat(foreignRecent).as("another machine's writer may still run").exists();
        assertThat(otherOutput).as("another output's leftovers are not this run's business").exists();
        assertThat(tmp.resolve("out/a.txt")).hasContent("new");
    }

    @Test
    void aPreviousOutputMovedAsideByARunThatDiedIsPutBack() throws Exception {
        String host = InetAddress.getLocalHost().getHostName();
        Path aside = leftover(".out.old-", deadPid() + "@" + host);
        Files.writeString(aside.resolve("kept.txt"), "previous");
        Path target = tmp.resolve("out");

        assertThatThrownBy(() -> AtomicOutput.begin(storage, Storage.path(target.toString()), false))
                .as("put back, it is an existing output like any other")
                .isInstanceOf(OutputGuard.OutputExistsException.class);

        assertThat(aside).doesNotExist();
        assertThat(target.resolve("kept.txt")).as("the output the dead run was replacing").hasContent("previous");
    }

    @Test
    void aFileIsStreamedBesideItsTargetThenRenamed() throws Exception {
        Path target = Files.writeString(tmp.resolve("lines.txt"), "old");
        Path stale = Files.writeString(tmp.resolve(".lines.txt.tmp-" + UUID.randomUUID() + "-" + deadPid() + "@"
                + InetAddress.getLocalHost().getHostName()), "half");
        AtomicOutput.writeFile(storage, Storage.path(target.toString()), o -> {
            o.write("new".getBytes(StandardCharsets.UTF_8));
            assertThat(target).as("replaced only when complete").hasContent("old");
        });
        assertThat(target).hasContent("new");
        assertThat(stale).doesNotExist();
        try (Stream<Path> left = Files.list(tmp)) {
            assertThat(left).containsExactly(target);
        }
    }

    @Test
    void anOutputNamedWithAColonIsStagedBesideItself() throws Exception {
        Path target = tmp.resolve("run:2 (copy)");
        AtomicOutput out = AtomicOutput.begin(storage, Storage.path(target.toString()), false);
        storage.writeText(out.resolve("a.txt"), "new");
        out.commit();
        assertThat(target.resolve("a.txt")).hasContent("new");
        AtomicOutput.writeFile(storage, Storage.path(tmp.resolve("lines:1.txt").toString()), new byte[] {'x'});
        assertThat(tmp.resolve("lines:1.txt")).hasContent("x");
    }

    private Path leftover(String kind, String owner) throws Exception {
        return Files.createDirectories(tmp.resolve(kind
                + UUID.randomUUID() + "-" + owner));
    }

    private static void age(Path p) throws Exception {
        Files.setLastModifiedTime(p, FileTime.fromMillis(System.currentTimeMillis()
                - AtomicOutput.FOREIGN_STALE_MS - 60_000));
    }

    /** the pid of a process that ran and ended */
    private static long deadPid() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        return p.pid();
    }
}
