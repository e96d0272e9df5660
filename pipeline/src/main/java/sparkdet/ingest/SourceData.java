package sparkdet.ingest;

import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import sparkdet.data.ClassList;
import sparkdet.data.Quarantined;

/**
 * What a format's reader hands to the validation pass: the partitions and how to read them, the
 * class list when it is fixed before reading (given, or decided on the driver), problems found
 * on the driver, whether images are to be checked, and where a segmentation row's mask comes
 * from (null for a detection dataset).
 */
record SourceData<T>(JavaRDD<T> units, PartitionReader<T> reader, ClassList classes,
                     List<Quarantined> quarantined, boolean checkImages, MaskChecks.Origin masks) {
    /** a detection source: rows without masks */
    SourceData(JavaRDD<T> units, PartitionReader<T> reader, ClassList classes, List<Quarantined> quarantined,
               boolean checkImages) {
        this(units, reader, classes, quarantined, checkImages, null);
    }
}
