package sparkdet.cli;

import java.util.Map;
import java.util.Set;

/** One `sparkdet <command>`: its options, its help text and what it does. */
interface Command {
    String name();

    /** one line for the command list */
    String summary();

    /** the full --help text: usage line, options, what it writes */
    String help();

    /** options taking a value, besides the common --master, --conf and --set */
    Set<String> valuedOptions();

    Set<String> flagOptions();

    /**
     * older spellings still accepted, old name -> the option it stands for (DESIGN.md "One
     * vocabulary across commands": they stay where they were documented); the help lists them
     */
    default Map<String, String> aliases() {
        return Map.of();
    }

    /** @return the exit code: 0 done */
    int run(Args args, Context context) throws Exception;
}
