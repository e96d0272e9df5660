package sparkdet.model;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.Serializable;
import java.util.Map;

/**
 * The part of a model's description that only its family reads (anchors, strides, a width
 * multiplier...): generic code stores and passes it without looking inside. Read back by
 * {@link ModelFamily#readOptions}.
 */
public interface FamilyOptions extends Serializable {
    /** adds the options to model.json's top level, under the names {@link ModelFamily#readOptions} reads */
    void writeTo(ObjectNode modelJson);

    /**
     * the options as the keys of an export's sidecar ({@code width}, {@code anchors}...), each a
     * number, a string or a list of them, which {@link ModelFamily#sidecarOptions} reads back
     */
    Map<String, Object> sidecarKeys();

    /** one line for logs and messages: what shapes the network (e.g. "width 0.25") */
    String summary();
}
