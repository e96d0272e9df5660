package sparkdet.data;

import java.io.Serializable;

/**
 * A rejected record: where it came from (file, and line or object), a reason code from a fixed
 * vocabulary ({@link QuarantineReason}) and a human-readable detail.
 */
public final class Quarantined implements Serializable {
    private static final long serialVersionUID = 1L;

    public final String source;
    public final QuarantineReason reason;
    public final String detail;

    public Quarantined(String source, QuarantineReason reason, String detail) {
        this.source = source;
        this.reason = reason;
        this.detail = detail;
    }

    @Override
    public String toString() {
        return reason.code() + " " + source + ": " + detail;
    }
}
