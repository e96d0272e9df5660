package sparkdet.train;

/**
 * Training ran out of memory: a setting to lower (its message names which), not a fault of
 * sparkdet's, so the command line prints the message alone.
 */
public final class OutOfMemoryException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    OutOfMemoryException(String message, Throwable cause) {
        super(message, cause);
    }
}
