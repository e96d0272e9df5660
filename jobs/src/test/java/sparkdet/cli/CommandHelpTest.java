package sparkdet.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static sparkdet.cli.MainTest.run;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import sparkdet.cli.MainTest.Result;

/**
 * Every command's --help against its code: the options a help text names are exactly those the
 * command takes, its aliases included; and an alias reads as its option. Starts no Spark session
 * (a usage error is found before one is made).
 */
class CommandHelpTest {
    /** an option name on the command line: --name, not part of a longer word */
    private static final Pattern OPTION = Pattern.compile("(?<![\\w-])--([a-z][a-z0-9-]*)");
    /** a quoted command line of another tool or command, whose options are not this command's */
    private static final Pattern QUOTED = Pattern.compile("`[^`]*`");

    /** the --name tokens of a help text, outside `quoted` command lines, less the common options */
    static Set<String> optionsNamed(String help) {
        Set<String> named = new TreeSet<>();
        Matcher m = OPTION.matcher(QUOTED.matcher(help).replaceAll(""));
        while (m.find()) {
            named.add(m.group(1));
        }
        named.removeAll(Main.COMMON);
        return named;
    }

    @Test
    void everyHelpNamesExactlyTheOptionsItsCommandTakes() {
        assertThat(Main.COMMANDS).isNotEmpty();
        for (Command command : Main.COMMANDS.values()) {
            Set<String> takes = new TreeSet<>(command.valuedOptions());
            takes.addAll(command.flagOptions());
            takes.addAll(command.aliases().keySet());
            Result help = run(command.name(), "--help");
            assertThat(help.code()).isZero();
            assertThat(optionsNamed(help.out())).as("the options sparkdet %s --help names", command.name())
                    .isEqualTo(takes);
        }
    }

    @Test
    void theExtractionSeesOptionsAndSkipsQuotedCommandsAndLongerWords() {
        assertThat(optionsNamed("usage: x --input PATH [--no-plus1]\n  --output  (alias --out) for "
                + "`sparkdet ingest --format voc`; a-b--c, --master URL")).containsExactly("input", "no-plus1", "out",
                "output");
    }

    @Test
    void everyAliasStandsForAnOptionOfItsCommandAndIsNoneItself() {
        for (Command command : Main.COMMANDS.values()) {
            Set<String> options = new HashSet<>(command.valuedOptions());
            options.addAll(command.flagOptions());
            command.aliases().forEach((alias, canonical) -> {
                assertThat(options).as("%s: --%s stands for --%s", command.name(), alias, canonical).contains(canonical)
                        .doesNotContain(alias);
                assertThat(Main.COMMON).doesNotContain(alias);
                assertThat(command.help()).as("%s --help lists its alias --%s", command.name(), alias)
                        .contains("(alias --" + alias + ")");
            });
        }
    }

    @Test
    void anAliasParsesAsItsOptionAndGivingBothIsRefused() {
        Set<String> valued = Set.of("input", "output");
        Set<String> flags = Set.of("overwrite");
        Map<String, String> aliases = Map.of("image", "input", "out", "output");
        Args a = Args.parse(new String[] {"--image", "dog.jpg", "--out=o", "--overwrite"}, valued, flags, aliases);
        assertThat(a.get("input")).isEqualTo("dog.jpg");
        assertThat(a.get("output")).isEqualTo("o");
        assertThat(a.get("image")).isNull();
        assertThat(a.flag("overwrite")).isTrue();
        assertThat(Args.parse(new String[] {"--input", "a", "--input", "b"}, valued, flags, aliases).get("input"))
                .as("the same spelling twice: the last counts, as before").isEqualTo("b");
        assertThatThrownBy(() -> Args.parse(new String[] {"--input", "a", "--image", "b"}, valued, flags, aliases))
                .isInstanceOf(UsageException.class).hasMessage("--input and --image are the same option (--input): "
                        + "give it once");
        assertThatThrownBy(() -> Args.parse(new String[] {"--image"}, valued, flags, aliases))
                .isInstanceOf(UsageException.class).hasMessage("--image needs a value");
    }

    /** through Main, every command's every alias: both spellings together are a usage error, exit 2 */
    @Test
    void everyCommandRefusesAnOptionGivenUnderTwoNames() {
        for (Command command : Main.COMMANDS.values()) {
            command.aliases().forEach((alias, canonical) -> {
                boolean flag = command.flagOptions().contains(canonical);
                String[] argv = flag ? new String[] {command.name(), "--" + canonical, "--" + alias}
                        : new String[] {command.name(), "--" + canonical, "x", "--" + alias, "y"};
                Result r = run(argv);
                assertThat(r.code()).as(r.err()).isEqualTo(2);
                assertThat(r.err()).contains("--" + canonical + " and --" + alias + " are the same option");
            });
        }
    }
}
