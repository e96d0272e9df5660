package sparkdet.ingest;

import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import sparkdet.data.ClassList;
import sparkdet.data.Quarantined;

/**
 * What a format's reader hands to the common validation: the parsed items, the class list when
 * the source fixes one (else it is derived from the labels), problems found on the driver, and
 * whether images are to be checked.
 */
record SourceData(JavaRDD<IngestItem> items, ClassList classes, List<Quarantined> quarantined,
                  boolean checkImages) {
}
