package sparkdet.ingest;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import sparkdet.data.ImageRecord;
import sparkdet.data.Quarantined;

/**
 * What one source record became: an image row (or none, when the whole record was rejected) and
 * the quarantine rows for whatever was rejected of it.
 */
public final class IngestItem implements Serializable {
    private static final long serialVersionUID = 1L;

    public final ImageRecord record;
    public final List<Quarantined> quarantined;

    public IngestItem(ImageRecord record, List<Quarantined> quarantined) {
        this.record = record;
        this.quarantined = new ArrayList<>(quarantined);
    }

    public static IngestItem of(ImageRecord record) {
        return new IngestItem(record, List.of());
    }

    public static IngestItem rejected(Quarantined q) {
        return new IngestItem(null, List.of(q));
    }

    @Override
    public String toString() {
        return (record == null ? "rejected" : record.toString()) + (quarantined.isEmpty() ? "" : " " + quarantined);
    }
}
