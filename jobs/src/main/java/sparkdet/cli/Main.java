package sparkdet.cli;

import java.io.PrintStream;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sparkdet.io.InputUnusableException;
import sparkdet.io.OutputGuard;

/**
 * {@code sparkdet <command> [--option value ...]}: the entry point of bin/sparkdet and of
 * {@code spark-submit --class sparkdet.cli.Main sparkdet.jar <command> ...}.
 * Exit codes: 0 done, 1 internal error (or out of memory, said in one line), 2 usage error, 3 input
 * unusable (nothing written).
 */
public final class Main {
    private static final Logger LOG = LoggerFactory.getLogger(Main.class);
    static final int OK = 0;
    static final int INTERNAL_ERROR = 1;
    static final int USAGE = 2;
    static final int INPUT_UNUSABLE = 3;

    /** the options every command takes besides its own */
    static final Set<String> COMMON = Set.of("master", "conf", "set");

    static final Map<String, Command> COMMANDS = new LinkedHashMap<>();

    static {
        for (Command c : List.of(new IngestCommand(), new ExportLinesCommand(), new ShowCommand(), new EvaluateCommand(), new TrainCommand(), new SynthCommand(), new PredictCommand(), new ValCommand(), new VideoCommand(), new FpsCommand(), new ExportCommand(), new DemoCommand(), new BenchCommand(), new DoctorCommand())) {
            COMMANDS.put(c.name(), c);
        }
    }

    private Main() {
    }

    public static void main(String[] argv) {
        int code = run(argv, System.out, System.err);
        // Spark leaves non-daemon threads behind (barrier timers): a command ends the JVM itself
        System.out.flush();
        System.exit(code);
    }

    static int run(String[] argv, PrintStream out, PrintStream err) {
        if (argv.length == 0 || argv[0].equals("--help") || argv[0].equals("-h") || argv[0].equals("help")) {
            out.print(overview());
            return argv.length == 0 ? USAGE : OK;
        }
        Command command = COMMANDS.get(argv[0]);
        if (command == null) {
            err.println("sparkdet: unknown command '" + argv[0] + "'\n");
            err.print(overview());
            return USAGE;
        }
        String[] rest = java.util.Arrays.copyOfRange(argv, 1, argv.length);
        if (List.of(rest).contains("--help") || List.of(rest).contains("-h")) {
            out.print(command.help());
            return OK;
        }
        Set<String> valued = new HashSet<>(command.valuedOptions());
        valued.addAll(COMMON);
        try {
            Args args = Args.parse(rest, valued, command.flagOptions(), command.aliases());
            try (Context context = new Context(args, command.name(), out)) {
                return command.run(args, context);
            }
        } catch (UsageException | IllegalArgumentException e) {
            err.println("sparkdet " + command.name() + ": " + e.getMessage());
            err.println("(sparkdet " + command.name() + " --help shows the options)");
            return USAGE;
        } catch (OutputGuard.OutputRefusedException e) {
            err.println("sparkdet " + command.name() + ": " + e.getMessage());
            return USAGE;
        } catch (Exception e) {
            return failed(command.name(), e, err);
        }
    }

    /**
     * An input fault is exit 3 with its one line, wherever it was found: a Spark task's exception
     * reaches the driver wrapped (SparkException, then Spark SQL's own), with the task's as a cause.
     * Running out of memory is exit 1 with its one line (what to lower). Anything else is an
     * internal error, logged with its stack trace.
     */
    static int failed(String commandName, Exception e, PrintStream err) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof InputUnusableException input) {
                err.println("sparkdet " + commandName + ": " + input.getMessage());
                return INPUT_UNUSABLE;
            }
            if (t instanceof sparkdet.train.OutOfMemoryException memory) {
                err.println("sparkdet " + commandName + ": " + memory.getMessage());
                return INTERNAL_ERROR;
            }
        }
        LOG.error("sparkdet {} failed", commandName, e);
        err.println("sparkdet " + commandName + ": internal error: " + e);
        return INTERNAL_ERROR;
    }

    static String overview() {
        StringBuilder sb = new StringBuilder("usage: sparkdet <command> [--option value ...]\n\ncommands:\n");
        for (Command c : COMMANDS.values()) {
            sb.append(String.format("  %-13s %s%n", c.name(), c.summary()));
        }
        sb.append("\ncommon options:\n")
                .append("  --master URL      Spark master (default local[*]; under spark-submit, spark-submit's)\n")
                .append("  --conf FILE       a HOCON file over conf/sparkdet-defaults.conf\n")
                .append("  --set key=value   one setting (repeatable), e.g. --set ingest.clip-tolerance=0.1\n")
                .append("\nsparkdet <command> --help shows a command's options.\n");
        return sb.toString();
    }
}
