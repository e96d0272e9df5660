package sparkdet.io;

/** CSV fields as RFC 4180 and Python's csv module (QUOTE_MINIMAL) write them. */
public final class Csv {
    private Csv() {
    }

    /** a field with a comma, a quote or a line break is quoted, its quotes doubled; any other is as it is */
    public static String field(String s) {
        boolean quote = s.indexOf(',') >= 0 || s.indexOf('"') >= 0 || s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0;
        return quote ? '"' + s.replace("\"", "\"\"") + '"' : s;
    }
}
