package sparkdet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The notebooks as they are stored: without outputs (a diff shows code, not pictures; CI executes
 * them, NotebooksIT), on the python3 kernel, each listed in notebooks/README.md.
 */
class NotebooksTest {
    private static final Path NOTEBOOKS = Launch.root().resolve("notebooks");

    static List<Path> notebooks() throws Exception {
        try (Stream<Path> files = Files.list(NOTEBOOKS)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".ipynb")).sorted().toList();
        }
    }

    @Test
    void everyNotebookIsStoredWithoutOutputsOnThePython3Kernel() throws Exception {
        assertThat(notebooks()).extracting(p -> p.getFileName().toString()).contains("quickstart.ipynb",
                "dataset-explorer.ipynb", "evaluation-report.ipynb", "segmentation.ipynb");
        for (Path notebook : notebooks()) {
            JsonNode nb = new ObjectMapper().readTree(notebook.toFile());
            String name = notebook.getFileName().toString();
            assertThat(nb.at("/metadata/kernelspec/name").asText()).as(name).isEqualTo("python3");
            int code = 0;
            for (JsonNode cell : nb.get("cells")) {
                if (cell.get("cell_type").asText().equals("code")) {
                    code++;
                    String where = name + ", the cell starting " + cell.get("source").get(0);
                    assertThat(cell.get("execution_count").isNull()).as(where + ": execution_count null").isTrue();
                    assertThat(cell.get("outputs")).as(where + ": stored without outputs").isEmpty();
                }
            }
            assertThat(code).as(name + " has code to run").isGreaterThan(2);
        }
    }

    @Test
    void theReadmeListsEveryNotebookAndNoOther() throws Exception {
        String readme = Files.readString(NOTEBOOKS.resolve("README.md"));
        for (Path notebook : notebooks()) {
            assertThat(readme).as("notebooks/README.md lists it").contains(notebook.getFileName().toString());
        }
        Matcher named = Pattern.compile("[\\w-]+\\.ipynb").matcher(readme);
        while (named.find()) {
            assertThat(NOTEBOOKS.resolve(named.group())).as("a notebook the README names").exists();
        }
    }
}
