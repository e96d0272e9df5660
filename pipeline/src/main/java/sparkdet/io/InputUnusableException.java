package sparkdet.io;

/**
 * The input cannot be used at all (not found, not the format it was said to be): the command
 * stops before writing anything and exits with code 3. The message names the file and the problem.
 */
public class InputUnusableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public InputUnusableException(String message) {
        super(message);
    }

    public InputUnusableException(String message, Throwable cause) {
        super(message, cause);
    }
}
