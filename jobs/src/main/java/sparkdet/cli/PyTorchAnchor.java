package sparkdet.cli;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PyTorch's rate of the same family definition, measured by one of bench/'s scripts in the same
 * command as sparkdet's, so the two figures share the machine and the minute. The scripts print
 * {@code "<label>: <rate> images/s"} lines; anything else they print is passed through.
 */
final class PyTorchAnchor {
    private static final Pattern RATE = Pattern.compile("^([\\w ]+):\\s+([0-9.]+) images/s$");

    private PyTorchAnchor() {
    }

    /**
     * Runs SCRIPT of bench/ (--scripts) with ARGS under --pytorch's interpreter (default Debian's /usr/bin/python3;
     * "none" skips) and the given thread count, echoing its lines; returns label -> images/s, empty
     * when skipped or failed (the reason is printed: a benchmark without its anchor is still a figure).
     * It runs twice, on 4 KB pages (PyTorch's default, as the reference's train.py runs) and on 2 MB
     * pages (THP_MEM_ALLOC_ENABLE=1, as bin/sparkdet runs libtorch), and keeps PyTorch's better rate
     * of each label: the page size moved PyTorch's frozen rates by up to 2.4x either way on this
     * project's machine, so the anchor is PyTorch at its best.
     */
    static Map<String, Double> run(Args args, Context context, String script, List<String> scriptArgs, int threads)
            throws InterruptedException {
        Map<String, Double> best = new LinkedHashMap<>();
        String python = args.get("pytorch", "/usr/bin/python3");
        if (python.equals("none")) {
            return best;
        }
        Path file = scripts(args, context).resolve(script);
        if (!Files.isRegularFile(file)) {
            context.out().printf("PyTorch: skipped, %s is missing (run from a sparkdet checkout, set SPARKDET_HOME, or "
                    + "name the folder with --scripts)%n", file);
            return best;
        }
        List<String> command = new ArrayList<>(List.of(python, file.toString()));
        command.addAll(scriptArgs);
        command.addAll(List.of("--threads", Integer.toString(threads)));
        for (String pages : List.of("4 KB", "2 MB")) {
            Map<String, Double> rates = runOnce(context, command, threads, pages);
            if (rates.isEmpty()) {
                return rates;
            }
            rates.forEach((label, rate) -> best.merge(label, rate, Math::max));
        }
        return best;
    }

    /** @param pages "4 KB" (PyTorch's default) or "2 MB" (THP_MEM_ALLOC_ENABLE=1) */
    private static Map<String, Double> runOnce(Context context, List<String> command, int threads, String pages)
            throws InterruptedException {
        Map<String, Double> rates = new LinkedHashMap<>();
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("OMP_NUM_THREADS", Integer.toString(threads));
        builder.environment().put("THP_MEM_ALLOC_ENABLE", pages.equals("2 MB") ? "1" : "0");
        List<String> lines = new ArrayList<>();
        try {
            Process process = builder.start();
            try (BufferedReader out = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = out.readLine()) != null; ) {
                    lines.add(line);
                    Matcher m = RATE.matcher(line.strip());
                    if (m.matches()) {
                        rates.put(m.group(1).strip(), Double.parseDouble(m.group(2)));
                    }
                }
            }
            if (process.waitFor() != 0) {
                context.out().printf("PyTorch: %s failed (exit %d); its last lines:%n", command.get(1),
                        process.exitValue());
                lines.subList(Math.max(0, lines.size() - 5), lines.size()).forEach(l -> context.out().println("  " + l));
                rates.clear();
                return rates;
            }
        } catch (java.io.IOException e) {
            context.out().printf("PyTorch: skipped, cannot run %s (%s); --pytorch PYTHON names an interpreter with "
                    + "torch, e.g. Debian's python3-torch%n", command.get(0), e.getMessage());
            return rates;
        }
        lines.forEach(l -> context.out().printf("PyTorch (%s pages)  %s%n", pages, l));
        return rates;
    }

    /** the family's options as the scripts spell them */
    static List<String> familyArgs(String model, String variant, double width, int size) {
        List<String> a = new ArrayList<>(List.of("--arch", model, "--width", Double.toString(width), "--size",
                Integer.toString(size)));
        if (variant != null) {
            a.addAll(List.of("--variant", variant));
        }
        return a;
    }

    /**
     * --scripts, else bench.scripts, else bench/ of the checkout bin/sparkdet runs from (it exports
     * SPARKDET_HOME), else of the working directory
     */
    private static Path scripts(Args args, Context context) {
        String configured = context.config().getIsNull("sparkdet.bench.scripts") ? null
                : context.config().getString("sparkdet.bench.scripts");
        String folder = args.get("scripts", configured);
        if (folder != null) {
            return Path.of(folder);
        }
        String home = System.getenv("SPARKDET_HOME");
        return Path.of(home == null ? "." : home).resolve("bench");
    }
}
