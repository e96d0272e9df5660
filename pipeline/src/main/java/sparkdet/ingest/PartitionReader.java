package sparkdet.ingest;

import java.io.IOException;
import java.io.Serializable;
import java.util.Iterator;
import sparkdet.data.ClassList;

/**
 * How a task reads its partition of a source into items: VOC parses its share of the XML files,
 * COCO streams the JSON keeping its share of the images, annotation lines are already items.
 *
 * @param <T> what the source's partitions hold (file URIs, share numbers, items)
 */
interface PartitionReader<T> extends Serializable {
    /**
     * @throws sparkdet.io.InputUnusableException when the input as a whole is unusable
     */
    Input read(Iterator<T> units) throws IOException;

    /**
     * @param classes the classes as this partition's input defines them (COCO's categories), or
     *     null where the driver decides them
     */
    record Input(Iterator<IngestItem> items, ClassList classes) {
    }
}
