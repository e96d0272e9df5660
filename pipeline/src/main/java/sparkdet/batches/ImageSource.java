package sparkdet.batches;

import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import sparkdet.io.Storage;

/** Where the loader gets an image's encoded bytes from, by the URI a dataset row holds. */
@FunctionalInterface
public interface ImageSource {
    /** a bigger file is refused as corrupt rather than read into memory */
    long MAX_BYTES = 256L << 20;

    byte[] read(String uri) throws IOException;

    /** any Hadoop file system: file:, hdfs:, s3a: */
    static ImageSource hadoop(Configuration conf) {
        Storage storage = new Storage(conf);
        return uri -> storage.readBytes(Storage.path(uri), MAX_BYTES);
    }
}
