package sparkdet.cli;

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

    /** @return the exit code: 0 done */
    int run(Args args, Context context) throws Exception;
}
