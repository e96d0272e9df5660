package sparkdet.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import java.io.IOException;
import java.io.OutputStream;
import sparkdet.data.Quarantined;

/** quarantine.jsonl: one {"source", "reason", "detail"} object a line. */
final class QuarantineLog implements AutoCloseable {
    private static final JsonFactory JSON = new JsonFactory();
    private final JsonGenerator g;
    private long written;

    QuarantineLog(OutputStream out) throws IOException {
        g = JSON.createGenerator(out);
        g.setRootValueSeparator(new SerializedString("\n"));
    }

    void write(Quarantined q) throws IOException {
        g.writeStartObject();
        g.writeStringField("source", q.source);
        g.writeStringField("reason", q.reason.code());
        g.writeStringField("detail", q.detail);
        g.writeEndObject();
        written++;
    }

    long written() {
        return written;
    }

    @Override
    public void close() throws IOException {
        if (written > 0) {
            g.writeRaw('\n');
        }
        g.close();
    }
}
